// Diagnostics about a whole file before any parsing: a file that cannot be read as UTF-8 text (E0011), an
// extension starc does not know (E0009), and Starlane's 2021 `routes.conf` (E0004), which only `starc
// migrate` understands. Also the table of extensions, which decides a file's kind.

import { makeDiagnostic, type Diagnostic } from '../../grammar/diagnostic.ts';
import type { Span } from '../../grammar/span.ts';
import type { FileKind } from '../../grammar/ast.ts';
import { codeInfo } from '../diagnostics/registry.ts';
import { closestMatch } from './suggest.ts';

export const FILE_EXTENSIONS: Readonly<Record<string, FileKind>> = {
  '.bind': 'bind',
  '.router': 'router',
  '.app': 'app',
  '.mechtron': 'mechtron',
  '.script': 'script',
};

/** E0011: the file's bytes break UTF-8 at UTF-16 `offset` of its lossy decoding (`text`). */
export function notUtf8(text: string, offset: number, byte: number): Diagnostic {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  const at = Math.min(offset, text.length);
  return makeDiagnostic('E0011', codeInfo('E0011').severity, 'file is not UTF-8 text', { span: { start: at, end: Math.min(at + 1, text.length) }, label: `invalid byte 0x${hex}` }, {
    notes: ['Starlane files are UTF-8; save the file as UTF-8 (without changing its meaning) and check again'],
  });
}

/** E0011: the file could not be read at all. */
export function unreadableFile(reason: string): Diagnostic {
  return makeDiagnostic('E0011', codeInfo('E0011').severity, `cannot read the file: ${reason}`, { span: { start: 0, end: 0 }, label: '' });
}

/** Root names that tell which language a file holds even under the wrong extension. */
const ROOT_EXTENSIONS: Readonly<Record<string, string>> = {
  Bind: '.bind',
  Router: '.router',
  App: '.app',
  Mechtron: '.mechtron',
};

/** E0009: `path`'s extension is none of the five; points at the first line and guesses from the text. */
export function unknownFileKind(path: string, text: string): Diagnostic {
  const known = Object.keys(FILE_EXTENSIONS);
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : undefined;
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const help: string[] = [];
  const guessed = guessExtension(text);
  const close = extension && closestMatch(extension.toLowerCase(), known);
  if (close) help.push(`did you mean \`${close}\`? rename the file to \`${stem}${close}\``);
  else if (guessed) help.push(`it reads like ${article(guessed)} \`${guessed}\` file: rename it to \`${stem}${guessed}\``);
  const message = extension
    ? `cannot tell the file kind of \`${name}\` from its extension \`${extension}\``
    : `cannot tell the file kind of \`${name}\`: it has no extension`;
  return makeDiagnostic(
    'E0009',
    codeInfo('E0009').severity,
    message,
    { span: firstLineSpan(text), label: 'starc does not know which language this is' },
    { notes: [`known extensions are ${known.map((e) => `\`${e}\``).join(', ')}`], help },
  );
}

/** E0004 on the first route of a Starlane 2021 `routes.conf` (`GET /files/(.*) -> localhost:my-files:/$1;`). */
export function legacyRoutesConf(text: string): Diagnostic {
  const span = firstLineSpan(text, (line) => !line.startsWith('#'));
  return makeDiagnostic(
    'E0004',
    codeInfo('E0004').severity,
    'legacy `routes.conf` (Starlane 2021)',
    { span, label: span.start === span.end ? 'an empty `routes.conf`' : 'a 2021 route' },
    {
      notes: ['v1 routes HTTP with a `.router` file: `Router(version=1.0.0) { Route<Http<Get>>/files/(?P<path>.*) -> localhost:my-files:/${path} => &; }`'],
      help: ['`starc migrate` converts a `routes.conf` to a `.router`'],
    },
  );
}

function guessExtension(text: string): string | undefined {
  const m = /^\s*(?:#[^\n]*\n\s*)*([A-Z][A-Za-z]*)\s*[({]/.exec(text);
  if (m) return ROOT_EXTENSIONS[m[1]!];
  return /^\s*(create|publish|set|select)\b/m.test(text) ? '.script' : undefined;
}

function article(extension: string): string {
  return /^\.[aeiou]/.test(extension) ? 'an' : 'a';
}

/** The first non-blank line (that passes `accept`), without its indentation and trailing blanks. */
function firstLineSpan(text: string, accept: (line: string) => boolean = () => true): Span {
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end);
    const trimmed = line.trim();
    if (trimmed !== '' && accept(trimmed)) {
      const lead = line.length - line.trimStart().length;
      return { start: start + lead, end: start + lead + trimmed.length };
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  return { start: 0, end: 0 };
}
