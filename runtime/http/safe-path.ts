// The path a router capture (`/static/(?P<file>.+)` → `${file}`) names inside a FileStore or bundle, or a 400:
// the one place where a URL path becomes a store path, so traversal is refused here and nowhere else (SPEC §5).
//
// Decisions:
// - The capture is percent-decoded exactly once, strictly: a `%` not followed by two hex digits, or bytes that
//   are not well-formed UTF-8 (overlong `%c0%ae` included), are a 400.
// - What is left must not still look encoded (`%252e` decodes to `%2e`): a later layer that decodes again would
//   otherwise see `..`. A lone `%` (`100%25.txt` → `100%.txt`) is fine.
// - Refused after decoding: `..` segments (also `.. `, `...`, and anything NFKC folds to `..`, such as fullwidth
//   dots), backslashes, NUL and other control characters, an absolute capture (`/etc/passwd`, `C:`), and `:` in
//   the first segment (a Windows drive or alternate data stream).
// - Empty and `.` segments are dropped (`a//./b` → `a/b`); the result is always base + '/' + segments, so it can
//   never leave base. An empty capture names base itself (a `File<Dir>`: the caller serves its index.html).

export type ServedPath =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly status: 400; readonly reason: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function refuse(reason: string): ServedPath {
  return { ok: false, status: 400, reason };
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/** Strict percent-decoding of a URL path piece; undefined when malformed or not UTF-8. */
export function percentDecodeStrict(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < raw.length; ) {
    const code = raw.charCodeAt(i);
    if (code === 0x25 /* % */) {
      const hi = i + 1 < raw.length ? hexValue(raw.charCodeAt(i + 1)) : -1;
      const lo = i + 2 < raw.length ? hexValue(raw.charCodeAt(i + 2)) : -1;
      if (hi < 0 || lo < 0) return undefined;
      bytes.push(hi * 16 + lo);
      i += 3;
    } else {
      const point = raw.codePointAt(i)!;
      const char = String.fromCodePoint(point);
      for (const b of encoder.encode(char)) bytes.push(b);
      i += char.length;
    }
  }
  try {
    return UTF8.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

// C0 controls, DEL and C1 controls: never part of a file name we serve.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const STILL_ENCODED = /%[0-9a-fA-F]{2}/;

function segmentProblem(segment: string, first: boolean): string | undefined {
  if (segment === '..') return "a '..' segment";
  // Windows drops trailing dots and spaces, so `.. ` and `...` mean `..` there.
  if (/^[. ]+$/.test(segment) && segment.includes('..')) return `a '..' segment ('${segment}')`;
  const folded = segment.normalize('NFKC');
  if (folded !== segment && (/^[. ]*\.\.[. ]*$/.test(folded) || /[/\\]/.test(folded))) {
    return `a segment that Unicode folds to '${folded}'`;
  }
  if (first && segment.includes(':')) return `'${segment}' (a drive or stream name)`;
  return undefined;
}

/**
 * The path `captured` (raw from the URL, possibly percent-encoded) names under `base` (`/html`, `/` or ''), or a
 * 400 saying why it was refused.
 */
export function resolveServedPath(base: string, captured: string): ServedPath {
  if (captured.includes('\\')) return refuse('the path contains a backslash');
  const decoded = percentDecodeStrict(captured);
  if (decoded === undefined) return refuse('the path is not well-formed percent-encoded UTF-8');
  if (CONTROL.test(decoded)) return refuse('the path contains a control character');
  if (decoded.includes('\\')) return refuse('the path contains an encoded backslash');
  if (STILL_ENCODED.test(decoded)) return refuse('the path is percent-encoded twice');
  if (decoded.startsWith('/')) return refuse('the path is absolute');

  const segments: string[] = [];
  const parts = decoded.split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '' || part === '.') continue;
    const problem = segmentProblem(part, segments.length === 0);
    if (problem !== undefined) return refuse(`the path contains ${problem}`);
    segments.push(part);
  }

  const root = normaliseBase(base);
  if (segments.length === 0) return { ok: true, path: root === '' ? '/' : root };
  return { ok: true, path: `${root}/${segments.join('/')}` };
}

/** `/html/`, `html`, `//html` → `/html`; `/` and '' → '' (the root). Base comes from trusted config. */
function normaliseBase(base: string): string {
  const parts = base.split('/').filter((p) => p !== '' && p !== '.');
  return parts.length === 0 ? '' : `/${parts.join('/')}`;
}
