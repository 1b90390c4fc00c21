// ANSI styling for the REPL's text, or none: one `Paint` for a colour terminal, one for plain text (piped
// output, NO_COLOR, tests). Ink renders ANSI inside <Text>, so the Ink app and the plain runner share every
// formatter.

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'inverse' | 'errorLabel';

const SGR: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  gray: '90',
  inverse: '7',
  // the compiler's renderer draws `error` in bold bright red
  errorLabel: '1;91',
};

export type Paint = (style: Style, text: string) => string;

export const plainPaint: Paint = (_style, text) => text;

export const colorPaint: Paint = (style, text) => (text === '' ? '' : `\x1b[${SGR[style]}m${text}\x1b[0m`);

export function paintFor(color: boolean): Paint {
  return color ? colorPaint : plainPaint;
}

/** Text without ANSI escapes, for width computations. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
