// The input line's editing, as pure functions on `{ text, cursor }` (cursor: a UTF-16 offset). Multi-line text is
// one buffer with `\n`s; Up/Down move between its lines and fall through to the history at the first and last.

export interface EditorState {
  readonly text: string;
  readonly cursor: number;
}

export const EMPTY_EDITOR: EditorState = { text: '', cursor: 0 };

export function editorOf(text: string): EditorState {
  return { text, cursor: text.length };
}

export function insertText(s: EditorState, input: string): EditorState {
  return { text: s.text.slice(0, s.cursor) + input + s.text.slice(s.cursor), cursor: s.cursor + input.length };
}

export function deleteBack(s: EditorState): EditorState {
  if (s.cursor === 0) return s;
  return { text: s.text.slice(0, s.cursor - 1) + s.text.slice(s.cursor), cursor: s.cursor - 1 };
}

export function deleteForward(s: EditorState): EditorState {
  if (s.cursor >= s.text.length) return s;
  return { text: s.text.slice(0, s.cursor) + s.text.slice(s.cursor + 1), cursor: s.cursor };
}

/** Ctrl-W: the word before the cursor (and the spaces after it). */
export function deleteWordBack(s: EditorState): EditorState {
  let i = s.cursor;
  while (i > 0 && /\s/.test(s.text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(s.text[i - 1]!)) i--;
  return { text: s.text.slice(0, i) + s.text.slice(s.cursor), cursor: i };
}

function lineStart(s: EditorState): number {
  return s.text.lastIndexOf('\n', s.cursor - 1) + 1;
}

function lineEnd(s: EditorState): number {
  const nl = s.text.indexOf('\n', s.cursor);
  return nl < 0 ? s.text.length : nl;
}

export const moveLeft = (s: EditorState): EditorState => ({ ...s, cursor: Math.max(0, s.cursor - 1) });
export const moveRight = (s: EditorState): EditorState => ({ ...s, cursor: Math.min(s.text.length, s.cursor + 1) });
export const moveHome = (s: EditorState): EditorState => ({ ...s, cursor: lineStart(s) });
export const moveEnd = (s: EditorState): EditorState => ({ ...s, cursor: lineEnd(s) });

/** Ctrl-U: from the start of the line to the cursor. */
export function killToStart(s: EditorState): EditorState {
  const start = lineStart(s);
  return { text: s.text.slice(0, start) + s.text.slice(s.cursor), cursor: start };
}

/** Ctrl-K: from the cursor to the end of the line. */
export function killToEnd(s: EditorState): EditorState {
  return { text: s.text.slice(0, s.cursor) + s.text.slice(lineEnd(s)), cursor: s.cursor };
}

export function onFirstLine(s: EditorState): boolean {
  return s.text.lastIndexOf('\n', s.cursor - 1) < 0;
}

export function onLastLine(s: EditorState): boolean {
  return s.text.indexOf('\n', s.cursor) < 0;
}

/** Up (-1) or Down (+1) one line, keeping the column where the line is long enough. */
export function moveLine(s: EditorState, direction: -1 | 1): EditorState {
  const start = lineStart(s);
  const column = s.cursor - start;
  if (direction < 0) {
    if (start === 0) return s;
    const prevStart = s.text.lastIndexOf('\n', start - 2) + 1;
    return { ...s, cursor: Math.min(prevStart + column, start - 1) };
  }
  const end = lineEnd(s);
  if (end >= s.text.length) return s;
  const nextEnd = s.text.indexOf('\n', end + 1);
  return { ...s, cursor: Math.min(end + 1 + column, nextEnd < 0 ? s.text.length : nextEnd) };
}
