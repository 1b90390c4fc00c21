// The REPL's history: entries kept across sessions in a file (one JSON string per line, so an entry may span
// several lines; mode 0600, at most MAX_ENTRIES kept), walked with Up/Down and searched with Ctrl-R. A history
// file that cannot be read or written never stops the REPL: the history is then kept for this session only.

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

export const MAX_ENTRIES = 1000;

export class History {
  private readonly entries: string[];

  constructor(
    private readonly file: string | undefined,
    entries: readonly string[] = [],
  ) {
    this.entries = [...entries];
  }

  /** Reads `file` (missing or unreadable: empty). */
  static load(file: string | undefined): History {
    if (file === undefined) return new History(undefined);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return new History(file);
    }
    const entries: string[] = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const value = JSON.parse(line) as unknown;
        if (typeof value === 'string') entries.push(value);
      } catch {
        // a torn last line (a crash while appending) is skipped
      }
    }
    const history = new History(file, entries.slice(-MAX_ENTRIES));
    if (entries.length > MAX_ENTRIES * 2) history.rewrite();
    return history;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Oldest first. */
  all(): readonly string[] {
    return this.entries;
  }

  /** Records an entry (not a repeat of the last one, not a blank one) and appends it to the file. */
  add(entry: string): void {
    const trimmed = entry.trim();
    if (trimmed === '' || this.entries[this.entries.length - 1] === trimmed) return;
    this.entries.push(trimmed);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    if (this.file === undefined) return;
    try {
      appendFileSync(this.file, `${JSON.stringify(trimmed)}\n`, { mode: 0o600 });
    } catch {
      // kept in memory only
    }
  }

  /** The entry `back` steps from the newest (1: the newest); undefined past either end. */
  entryBack(back: number): string | undefined {
    return back >= 1 && back <= this.entries.length ? this.entries[this.entries.length - back] : undefined;
  }

  /**
   * Ctrl-R: the newest entry containing `query` that is older than `before` steps back (0: search from the
   * newest). Returns its step count, or undefined when nothing older matches.
   */
  search(query: string, before = 0): { readonly back: number; readonly entry: string } | undefined {
    for (let back = before + 1; back <= this.entries.length; back++) {
      const entry = this.entries[this.entries.length - back]!;
      if (entry.includes(query)) return { back, entry };
    }
    return undefined;
  }

  private rewrite(): void {
    if (this.file === undefined) return;
    try {
      writeFileSync(this.file, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
    } catch {
      // kept in memory only
    }
  }
}
