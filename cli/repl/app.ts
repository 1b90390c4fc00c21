// The Ink app of `starc repl`: a transcript (Ink's <Static>, so finished output scrolls like a terminal's), the
// live area (a progress bar, a `:watch` view, a `:tail` banner), and the prompt with its coloured input, its
// completion list and Ctrl-R search. What an entry does is evaluate.ts's; this file is keys and screen.
//
// Keys: Enter runs a complete entry (else adds a line), Tab completes, Up/Down walk the history (or the lines of
// a multi-line entry), Ctrl-R searches the history, Esc stops a live view or closes the completion list,
// Ctrl-C clears the input, Ctrl-D on an empty input quits (else deletes forward), Ctrl-A/E/U/K/W edit as in a
// shell. Written with React.createElement: the project's TypeScript is compiled without a JSX setting.

import { Box, Static, Text, useInput } from 'ink';
import React, { useEffect, useRef, useState } from 'react';
import type { StoreEvent } from '../../runtime/store/types.ts';
import { commonPrefix, completionsAt } from './completion.ts';
import {
  deleteBack,
  deleteForward,
  deleteWordBack,
  EMPTY_EDITOR,
  editorOf,
  insertText,
  killToEnd,
  killToStart,
  moveEnd,
  moveHome,
  moveLeft,
  moveLine,
  moveRight,
  onFirstLine,
  onLastLine,
  type EditorState,
} from './editor.ts';
import { evaluateEntry, type Progress } from './evaluate.ts';
import { formatEvent, formatLogEntry, formatProperties, progressBar, statusText } from './format.ts';
import { highlightLines } from './highlight.ts';
import type { History } from './history.ts';
import { isCompleteInput } from './input.ts';
import { paintFor } from './paint.ts';
import { childPoints, propertyKeys, type LiveStream, type ReplSession, type SessionResult } from './session.ts';

const h = React.createElement;

export const PROMPT = 'starc> ';
export const CONTINUATION = '  ...> ';

export interface ReplAppProps {
  readonly session: ReplSession;
  readonly history: History;
  readonly color: boolean;
  readonly cwd: string;
  /** `:quit`, `exit;` or Ctrl-D: the caller unmounts and closes the session. */
  readonly onExit: () => void;
  /** `:clear`: the caller clears the terminal. */
  readonly onClear?: () => void;
}

interface Item {
  readonly id: number;
  readonly text: string;
}

type Live = { readonly kind: 'watch' | 'tail'; readonly point: string };

interface Search {
  readonly query: string;
  readonly back: number;
  readonly entry: string | undefined;
}

export function ReplApp(props: ReplAppProps): React.ReactElement {
  const { session, history, color } = props;
  const paint = paintFor(color);
  const [items, setItems] = useState<Item[]>(() => session.banner.map((text, i) => ({ id: i, text: paint('dim', text) })));
  // The input lives in a ref, read by every key handler (never a stale render's copy); a state bump redraws it.
  const editorRef = useRef<EditorState>(EMPTY_EDITOR);
  const [, redraw] = useState(0);
  const setEditor = (next: EditorState): void => {
    editorRef.current = next;
    redraw((n) => n + 1);
  };
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<Progress | undefined>();
  const [completions, setCompletions] = useState<readonly string[]>([]);
  const searchRef = useRef<Search | undefined>(undefined);
  const setSearch = (next: Search | undefined): void => {
    searchRef.current = next;
    redraw((n) => n + 1);
  };
  const [live, setLive] = useState<Live | undefined>();
  const nextId = useRef(session.banner.length);
  // History walking: how many entries back (0: the draft being typed), and that draft.
  const walk = useRef<{ back: number; draft: EditorState }>({ back: 0, draft: EMPTY_EDITOR });
  const pending = useRef('');
  const busyRef = useRef(false);

  const print = (text: string): void => {
    const id = nextId.current++;
    setItems((all) => [...all, { id, text }]);
  };

  useEffect(() => session.onHostLog?.((line) => print(paint('dim', line))), []);

  const echo = (text: string): void => {
    const lines = highlightLines(text, undefined, paint);
    print(lines.map((l, i) => paint('bold', i === 0 ? PROMPT : CONTINUATION) + l).join('\n'));
  };

  /**
   * Typed or pasted text. A paste (or keys that arrived in one read) may hold line breaks: each acts as Enter,
   * and what follows a submitted entry waits in `pending` until that entry is done.
   */
  function typeText(state: EditorState, input: string): void {
    const text = input.replace(/\r\n?/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    let current = state;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch !== '\n') {
        const next = text.indexOf('\n', i);
        const piece = next < 0 ? text.slice(i) : text.slice(i, next);
        current = insertText(current, piece);
        i += piece.length - 1;
        continue;
      }
      if (isCompleteInput(current.text) && current.text.trim() !== '') {
        pending.current = text.slice(i + 1) + pending.current;
        setEditor(current);
        void submit(current.text);
        return;
      }
      current = current.text.trim() === '' ? EMPTY_EDITOR : insertText(current, '\n');
    }
    setEditor(current);
  }

  async function submit(text: string): Promise<void> {
    history.add(text);
    walk.current = { back: 0, draft: EMPTY_EDITOR };
    setCompletions([]);
    echo(text);
    setBusy(true);
    busyRef.current = true;
    setEditor(EMPTY_EDITOR);
    const action = await evaluateEntry(text, { session, color, cwd: props.cwd, print, progress: setProgress, interactive: true });
    setProgress(undefined);
    setBusy(false);
    busyRef.current = false;
    const rest = pending.current;
    pending.current = '';
    const resume = (state: EditorState): void => (rest === '' ? setEditor(state) : typeText(state, rest));
    switch (action.kind) {
      case 'keep-input':
        resume(editorOf(text));
        return;
      case 'quit':
        props.onExit();
        return;
      case 'clear':
        props.onClear?.();
        resume(EMPTY_EDITOR);
        return;
      case 'watch':
      case 'tail':
        setLive({ kind: action.kind, point: action.point });
        return;
      case 'done':
        resume(EMPTY_EDITOR);
        return;
    }
  }

  async function complete(): Promise<void> {
    const state = editorRef.current;
    const found = await completionsAt(state.text, state.cursor, {
      cwd: props.cwd,
      childPoints: (parent) => childPoints(session, parent),
      propertyKeys: (point) => propertyKeys(session, point),
    });
    if (editorRef.current !== state) return; // typed on meanwhile
    if (found.candidates.length === 0) {
      setCompletions([]);
      return;
    }
    const replacement = found.candidates.length === 1 ? found.candidates[0]! + (found.spaceAfter ? ' ' : '') : commonPrefix(found.candidates);
    const text = state.text.slice(0, found.start) + replacement + state.text.slice(found.end);
    const cursor = found.start + replacement.length;
    setEditor({ text, cursor });
    setCompletions(found.candidates.length === 1 ? [] : found.candidates);
  }

  function walkHistory(direction: -1 | 1): void {
    const back = walk.current.back - direction;
    if (back < 0) return;
    if (back === 0) {
      walk.current = { ...walk.current, back: 0 };
      setEditor(walk.current.draft);
      return;
    }
    const entry = history.entryBack(back);
    if (entry === undefined) return;
    if (walk.current.back === 0) walk.current = { back, draft: editorRef.current };
    else walk.current = { ...walk.current, back };
    setEditor(editorOf(entry));
  }

  useInput(
    (input, key) => {
      const editor = editorRef.current;
      const search = searchRef.current;
      if (busyRef.current) {
        // Typed ahead while an entry runs: kept, and typed in when it is done.
        if (key.return) pending.current += '\n';
        else if (!key.ctrl && !key.meta && !key.escape && !key.tab) pending.current += input;
        return;
      }
      if (search) {
        if (key.escape || (key.ctrl && input === 'c')) return setSearch(undefined);
        if (key.return || key.tab || key.leftArrow || key.rightArrow) {
          if (search.entry !== undefined) setEditor(editorOf(search.entry));
          return setSearch(undefined);
        }
        if (key.ctrl && input === 'r') {
          const older = history.search(search.query, search.back);
          return setSearch(older ? { query: search.query, back: older.back, entry: older.entry } : search);
        }
        const query = key.backspace || key.delete ? search.query.slice(0, -1) : key.ctrl || key.meta ? search.query : search.query + input;
        const found = history.search(query);
        return setSearch({ query, back: found?.back ?? 0, entry: found?.entry });
      }
      if (key.ctrl && input === 'd') {
        if (editor.text === '') return props.onExit();
        return setEditor(deleteForward(editor));
      }
      if (key.ctrl && input === 'c') {
        setCompletions([]);
        if (editor.text === '') print(paint('dim', '(:quit or Ctrl-D to leave)'));
        return setEditor(EMPTY_EDITOR);
      }
      if (key.ctrl && input === 'r') return setSearch({ query: '', back: 0, entry: undefined });
      if (key.return) {
        if (isCompleteInput(editor.text)) {
          if (editor.text.trim() === '') return setEditor(EMPTY_EDITOR);
          void submit(editor.text);
          return;
        }
        return setEditor(insertText(editor, '\n'));
      }
      if (key.tab) {
        void complete();
        return;
      }
      if (key.escape) return setCompletions([]);
      if (key.upArrow) return onFirstLine(editor) ? walkHistory(-1) : setEditor(moveLine(editor, -1));
      if (key.downArrow) return onLastLine(editor) ? walkHistory(1) : setEditor(moveLine(editor, 1));
      if (key.leftArrow) return setEditor(moveLeft(editor));
      if (key.rightArrow) return setEditor(moveRight(editor));
      if (key.home || (key.ctrl && input === 'a')) return setEditor(moveHome(editor));
      if (key.end || (key.ctrl && input === 'e')) return setEditor(moveEnd(editor));
      if (key.ctrl && input === 'u') return setEditor(killToStart(editor));
      if (key.ctrl && input === 'k') return setEditor(killToEnd(editor));
      if (key.ctrl && input === 'w') return setEditor(deleteWordBack(editor));
      if (key.backspace || key.delete) return setEditor(deleteBack(editor));
      // Several Backspaces read at once (fast typing over a slow link) arrive as one string.
      if (/^[\x7f\b]+$/.test(input)) {
        let next = editor;
        for (let i = 0; i < input.length; i++) next = deleteBack(next);
        return setEditor(next);
      }
      if (key.ctrl || key.meta || input === '') return;
      setCompletions([]);
      typeText(editor, input);
    },
    { isActive: !live },
  );

  // The prompt appears only once the key handler above is listening (effects run in order, after it), so keys
  // typed as soon as the prompt shows are never lost.
  const [listening, setListening] = useState(false);
  useEffect(() => setListening(true), []);

  const endLive = (summary: string | undefined): void => {
    if (summary) print(summary);
    setLive(undefined);
  };

  return h(
    Box,
    { flexDirection: 'column' },
    h(Static<Item>, { items, children: (item: Item) => h(Text, { key: item.id }, item.text) }),
    progress ? h(ProgressLine, { progress, color }) : null,
    live?.kind === 'watch' ? h(WatchView, { session, point: live.point, color, onEnd: endLive }) : null,
    live?.kind === 'tail' ? h(TailView, { session, point: live.point, color, print, onEnd: endLive }) : null,
    listening && !busy && !live ? h(PromptView, { editor: editorRef.current, search: searchRef.current, completions, color }) : null,
  );
}

function PromptView(props: { editor: EditorState; search: Search | undefined; completions: readonly string[]; color: boolean }): React.ReactElement {
  const paint = paintFor(props.color);
  if (props.search) {
    const { query, entry } = props.search;
    return h(Text, null, `${paint('dim', `(reverse-i-search)\`${query}':`)} ${entry === undefined ? (query === '' ? '' : paint('red', 'no match')) : highlightLines(entry, undefined, paint).join('\n')}`);
  }
  const lines = highlightLines(props.editor.text, props.editor.cursor, paint);
  const prompt = lines.map((l, i) => paint('bold', i === 0 ? PROMPT : CONTINUATION) + l).join('\n');
  return h(
    Box,
    { flexDirection: 'column' },
    h(Text, null, prompt),
    props.completions.length > 0 ? h(Text, null, paint('dim', props.completions.slice(0, 40).join('  ') + (props.completions.length > 40 ? `  … ${props.completions.length - 40} more` : ''))) : null,
  );
}

const SPINNER_WIDTH = 24;

function ProgressLine(props: { progress: Progress; color: boolean }): React.ReactElement {
  const paint = paintFor(props.color);
  const { label, done, total } = props.progress;
  const started = useRef(Date.now());
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 120);
    return () => clearInterval(timer);
  }, []);
  const elapsed = ((Date.now() - started.current) / 1000).toFixed(1);
  if (done !== undefined && total !== undefined) return h(Text, null, `${paint('cyan', progressBar(done, total))} ${label} ${paint('dim', `${elapsed}s`)}`);
  // Unknown length: a block that sweeps the bar.
  const step = Math.floor((Date.now() - started.current) / 120) % (2 * (SPINNER_WIDTH - 4));
  const at = step < SPINNER_WIDTH - 4 ? step : 2 * (SPINNER_WIDTH - 4) - step;
  const bar = `[${' '.repeat(at)}####${' '.repeat(SPINNER_WIDTH - 4 - at)}]`;
  return h(Text, null, `${paint('cyan', bar)} ${label} ${paint('dim', `${elapsed}s`)}`);
}

interface Snapshot {
  readonly exists: boolean;
  readonly kind?: string;
  readonly status?: string;
  readonly properties: Record<string, { value: string; locked: boolean }>;
}

/**
 * The live stream a view owns (`:watch`, `:tail`): opened on mount (then `opened` runs), a failure to open
 * reported through `onEnd`, closed on unmount, and on Esc or Ctrl-C closed with `onEnd(stopped())`. Returns why
 * the stream ended by itself, if it did.
 */
function useLiveStream(
  open: () => Promise<SessionResult<LiveStream>>,
  opened: () => Promise<void> | void,
  props: { readonly color: boolean; readonly onEnd: (summary: string | undefined) => void },
  stopped: () => string,
): string | undefined {
  const paint = paintFor(props.color);
  const stream = useRef<LiveStream | undefined>(undefined);
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    let unmounted = false;
    void (async () => {
      const started = await open();
      if (!started.ok) return props.onEnd(`${paint('errorLabel', `error[${started.error.code}]`)}: ${paint('red', started.error.message)}`);
      if (unmounted) return started.value.close();
      stream.current = started.value;
      void started.value.ended.then((reason) => {
        if (reason && !unmounted) setProblem(reason.message);
      });
      await opened();
    })();
    return () => {
      unmounted = true;
      stream.current?.close();
    };
  }, []);
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) {
      stream.current?.close();
      props.onEnd(paint('dim', stopped()));
    }
  });
  return problem;
}

/** `:watch POINT`: the particle's status and properties, updated in place from its events, until Esc. */
function WatchView(props: { session: ReplSession; point: string; color: boolean; onEnd: (summary: string | undefined) => void }): React.ReactElement {
  const paint = paintFor(props.color);
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const [events, setEvents] = useState<string[]>([]);
  const count = useRef(0);
  const problem = useLiveStream(
    () =>
      props.session.watch(props.point, (event: StoreEvent) => {
        count.current++;
        setEvents((all) => [...all.slice(-4), formatEvent(event, paint)]);
        setSnapshot((s) => applyEvent(s ?? { exists: false, properties: {} }, event));
      }),
    async () => {
      const got = await props.session.execute(`get ${props.point};`);
      const first = got.ok ? got.value[0] : undefined;
      if (first?.ok) {
        const p = first.value as { kind: string; status: string; properties: Record<string, { value: string; locked: boolean }> };
        setSnapshot((s) => s ?? { exists: true, kind: p.kind, status: p.status, properties: { ...p.properties } });
      } else setSnapshot((s) => s ?? { exists: false, properties: {} });
    },
    props,
    () => `stopped watching ${props.point} (${count.current} event${count.current === 1 ? '' : 's'})`,
  );

  const head = `${paint('bold', 'watching')} ${paint('cyan', props.point)}  ${paint('dim', 'Esc stops')}`;
  const body =
    snapshot === undefined
      ? paint('dim', 'loading…')
      : !snapshot.exists
        ? paint('yellow', `${props.point} does not exist (yet): its creation will show here`)
        : `<${snapshot.kind}> ${statusText(snapshot.status ?? 'Unknown', paint)}\n${formatProperties(snapshot.properties, paint)}`;
  return h(
    Box,
    { flexDirection: 'column', borderStyle: 'round', borderColor: props.color ? 'cyan' : undefined, paddingX: 1 },
    h(Text, null, head),
    h(Text, null, body),
    events.length > 0 ? h(Text, null, `${paint('dim', 'recent events:')}\n${events.join('\n')}`) : null,
    problem ? h(Text, null, paint('red', problem)) : null,
  );
}

function applyEvent(s: Snapshot, event: StoreEvent): Snapshot {
  switch (event.type) {
    case 'created':
      return { exists: true, kind: event.kind, status: 'Pending', properties: {} };
    case 'deleted':
      return { exists: false, properties: {} };
    case 'status':
      return { ...s, status: event.status };
    case 'property': {
      const properties = { ...s.properties };
      if (event.value === undefined) delete properties[event.key];
      else properties[event.key] = { value: event.value, locked: event.locked };
      return { ...s, properties };
    }
    default:
      return s;
  }
}

/** `:tail POINT`: the particle's log lines into the transcript as they come, until Esc. */
function TailView(props: {
  session: ReplSession;
  point: string;
  color: boolean;
  print: (text: string) => void;
  onEnd: (summary: string | undefined) => void;
}): React.ReactElement {
  const paint = paintFor(props.color);
  const problem = useLiveStream(
    () => props.session.tail(props.point, (entry) => props.print(formatLogEntry(entry, paint))),
    () => undefined,
    props,
    () => `stopped tailing ${props.point}`,
  );
  return h(Text, null, `${paint('bold', 'tailing')} ${paint('cyan', props.point)}  ${paint('dim', 'Esc stops')}${problem ? `\n${paint('red', problem)}` : ''}`);
}
