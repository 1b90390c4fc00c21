// A closed terminal must not leave the embedded REPL's temporary data dir behind: the built `starc repl` runs in
// tmux, the tmux server is killed (the REPL gets SIGHUP, its terminal is gone), and the data dir it printed must
// be removed once the process has ended.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBuiltBinary, STARC_BIN } from './helpers/project.ts';

const socket = `starc-hangup-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

async function poll<T>(read: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the REPL removes its temporary data dir when its terminal closes', async () => {
  requireBuiltBinary();
  tmux('new-session', '-d', '-x', '120', '-y', '40', '-s', 'repl', `${process.execPath} ${STARC_BIN} repl --port 0`);
  const dataDir = await poll(() => /embedded mesh, data in (\S+)/.exec(tmux('capture-pane', '-p', '-t', 'repl'))?.[1], 'the data dir line');
  await poll(() => (/starc>/.test(tmux('capture-pane', '-p', '-t', 'repl')) ? true : undefined), 'the prompt');
  assert.ok(existsSync(dataDir), 'the data dir exists while the REPL runs');
  tmux('kill-server');
  await poll(() => (existsSync(dataDir) ? undefined : true), `${dataDir} to be removed`, 10_000);
});

test.run();
