// `starc repl` in a real terminal: the built binary runs inside tmux (its own server socket, 120×40), the test
// types with `send-keys` and reads the screen with `capture-pane`, polling until the expected text appears (a
// generous deadline: the machine is shared). Covers the prompt, tables, a mistyped command's diagnostic with the
// input kept for editing, Tab completion, multi-line input, the live `:watch` view ended by Esc, history across
// sessions, and `:q`.

import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminClient, readAdminFile } from '../runtime/admin/client.ts';
import { copySample, removeProjects, requireBuiltBinary, STARC_BIN, type SampleCopy } from './helpers/project.ts';

const DEADLINE_MS = 30_000;

class Terminal {
  private readonly socket = `starc-test-${process.pid}-${Date.now()}`;

  start(command: string, cwd: string, env: Record<string, string>): void {
    const vars = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'repl', '-c', cwd, ...vars, `${command}; echo "[exited $?]"; sleep 60`);
  }

  /** Literal text; tmux reads a trailing `;` as its own command separator unless escaped. */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'repl', '-l', text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text);
  }

  /** Named keys, one `send-keys` each, so that each reaches the app as its own read, as typing does. */
  async keys(...names: string[]): Promise<void> {
    for (const name of names) {
      this.tmux('send-keys', '-t', 'repl', name);
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'repl', '-S', '-200');
  }

  async waitFor(pattern: RegExp, what: string): Promise<string> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (/\[exited \d+\]/.test(screen)) throw new Error(`the REPL exited while waiting for ${what}; the screen:\n${screen}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${pattern}); the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    try {
      const socketPath = this.tmux('display-message', '-p', '#{socket_path}').trim();
      this.tmux('kill-server');
      if (socketPath) rmSync(socketPath, { force: true });
    } catch {
      // already gone
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm-256color' } });
  }
}

let site: SampleCopy;
let terminal: Terminal | undefined;

test.before(() => {
  requireBuiltBinary();
  execFileSync('tmux', ['-V']);
  site = copySample('site', 'starc-repl-tmux-');
});

test.after.each(() => {
  terminal?.close();
  terminal = undefined;
});

test.after(removeProjects);

function startRepl(): Terminal {
  const t = new Terminal();
  terminal = t;
  t.start(`${JSON.stringify(process.execPath)} ${JSON.stringify(STARC_BIN)} repl site --port 0 --data data`, site.work, {
    HOME: site.work,
    TERM: 'xterm-256color',
  });
  return t;
}

/** The last prompt line on the screen. */
function promptLine(screen: string): string {
  return screen.split('\n').filter((l) => l.startsWith('starc>')).pop() ?? '';
}

test('the REPL in tmux: tables, diagnostics that keep the input, Tab, multi-line, :watch, history, :q', async () => {
  const t = startRepl();
  await t.waitFor(/^starc>/m, 'the prompt');

  t.type('select **;');
  await t.keys('Enter');
  await t.waitFor(/POINT\s+KIND\s+STATUS/, 'the select table');
  await t.waitFor(/localhost\s+Space\s+Ready/, 'the localhost row');

  // A mistyped kind: the compiler's diagnostic, and the input stays for editing.
  t.type('create localhost:app<Spce>;');
  await t.keys('Enter');
  let screen = await t.waitFor(/error\[E0401\]: unknown kind `Spce`/, 'the diagnostic');
  assert.match(screen, /--> <repl>:1:22/);
  assert.match(screen, /\^\^\^\^ not a kind/);
  assert.is(promptLine(screen).trimEnd(), 'starc> create localhost:app<Spce>;', 'the input is kept');
  // Fix it in place: Left past `>;`, delete `Spce`, type `Base`.
  await t.keys('End', 'Left', 'Left', 'BSpace', 'BSpace', 'BSpace', 'BSpace');
  t.type('Base>{ +title=Hello }');
  await t.keys('Right', 'Right', 'BSpace', 'BSpace'); // drop the old `>;`
  t.type(';');
  await t.keys('Enter');
  await t.waitFor(/created localhost:app <Base>/, 'the create');

  // Tab completes a point the store has.
  t.type('get localhost:a');
  await t.keys('Tab');
  await t.waitFor(/^starc> get localhost:app\s*$/m, 'the completed point');
  t.type(';');
  await t.keys('Enter');
  await t.waitFor(/title\s+Hello/, 'the property table');

  // Multi-line: Enter before the `;` continues the command.
  t.type('set localhost:app{');
  await t.keys('Enter');
  await t.waitFor(/^ {2}\.\.\.>/m, 'the continuation prompt');
  t.type(' +title=World };');
  await t.keys('Enter');
  await t.waitFor(/title\s+World/, 'the set result');

  // :watch is live: a change made through the admin endpoint shows in place; Esc ends it.
  t.type(':watch localhost:app');
  await t.keys('Enter');
  await t.waitFor(/watching localhost:app\s+Esc stops/, 'the watch view');
  await t.waitFor(/title\s+World/, 'the watched properties');
  const admin = readAdminFile(site.dataDir);
  assert.ok(admin.ok);
  if (admin.ok) {
    const set = await adminClient(admin.value.url, admin.value.token).execute('set localhost:app{ +title=Live };');
    assert.ok(set.ok && set.value[0]!.ok, JSON.stringify(set));
  }
  await t.waitFor(/title\s+Live/, 'the live update');
  await t.keys('Escape');
  await t.waitFor(/stopped watching localhost:app \(1 event\)/, 'the end of the watch');

  // Up brings back the last entry.
  await t.keys('Up');
  await t.waitFor(/^starc> :watch localhost:app\s*$/m, 'the history entry');
  await t.keys('C-u');
  t.type(':q');
  await t.keys('Enter');
  await t.waitFor(/\[exited 0\]/, 'the exit');
  t.close();

  // A new session on the same data dir has the history.
  const again = startRepl();
  await again.waitFor(/^starc>/m, 'the prompt again');
  await again.keys('Up');
  await again.waitFor(/^starc> :q\s*$/m, 'the history of the last session');
  await again.keys('Up');
  await again.waitFor(/^starc> :watch localhost:app\s*$/m, 'an older entry');
  await again.keys('C-u', 'C-d');
  await again.waitFor(/\[exited 0\]/, 'the exit on Ctrl-D');
});

test.run();
