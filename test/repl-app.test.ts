// The Ink app (cli/repl/app.ts) rendered with ink-testing-library on a real embedded mesh: what the screen shows
// for each kind of entry, the kept input after a mistake, completion, history walking and search, the live watch
// view, and quitting.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { render } from 'ink-testing-library';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplApp } from '../cli/repl/app.ts';
import { startEmbeddedSession } from '../cli/repl/embedded-session.ts';
import { History } from '../cli/repl/history.ts';
import type { ReplSession } from '../cli/repl/session.ts';
import { stripAnsi } from '../cli/repl/paint.ts';
import { ROOT } from './helpers/project.ts';

const ENTER = '\r';
const TAB = '\t';
const ESC = '\x1b';
const UP = '\x1b[A';
const CTRL_R = '\x12';
const CTRL_D = '\x04';

let session: ReplSession;
let work = '';

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'starc-repl-app-'));
  const started = await startEmbeddedSession({ appDir: join(ROOT, 'samples', 'site'), dataDir: join(work, 'data'), port: 0, cwd: work, pid: process.pid, workers: 1 });
  if (!started.ok) throw new Error(JSON.stringify(started.failure));
  session = started.session;
});

test.after(async () => {
  await session.close();
  rmSync(work, { recursive: true, force: true });
});

interface Mounted {
  screen(): string;
  type(text: string): Promise<void>;
  waitFor(pattern: RegExp, what: string): Promise<string>;
  exited(): boolean;
  unmount(): void;
}

function mount(history = new History(undefined)): Mounted {
  let exited = false;
  const app = render(React.createElement(ReplApp, { session, history, color: false, cwd: work, onExit: () => (exited = true) }));
  const screen = (): string => stripAnsi(app.lastFrame() ?? '');
  return {
    screen,
    async type(text) {
      // One key (or escape sequence) per write, as a terminal delivers them; a tick between lets React render.
      app.stdin.write(text);
      await new Promise((r) => setTimeout(r, 20));
    },
    async waitFor(pattern, what) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const s = screen();
        if (pattern.test(s)) return s;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${pattern}\n${s}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    exited: () => exited,
    unmount: () => app.unmount(),
  };
}

test('select is a table, get a property table; the banner names the data dir', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    assert.match(r.screen(), /embedded mesh, data in .*data/);
    await r.type('select localhost:*;');
    await r.type(ENTER);
    const s = await r.waitFor(/particles?\n/, 'the count');
    assert.match(s, /POINT\s+KIND\s+STATUS\nlocalhost:files\s+FileStore\s+Ready/);
    await r.type('get localhost;');
    await r.type(ENTER);
    const g = await r.waitFor(/KEY\s+VALUE/, 'the property table');
    assert.match(g, /localhost <Space> Ready/);
    assert.match(g, /router\s+repo:site:1\.0\.0:\/router\/site\.router/);
  } finally {
    r.unmount();
  }
});

test('a mistyped command shows the compiler diagnostic and keeps the input; keys typed in one read act in order', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type('create localhost:x<Spce>;' + ENTER);
    const s = await r.waitFor(/error\[E0401\]/, 'the diagnostic');
    assert.match(s, /--> <repl>:1:20/);
    assert.match(s, /\^\^\^\^ not a kind/);
    assert.match(s, /help: did you mean `Space`\?/);
    assert.match(s.split('\n').filter((l) => l.startsWith('starc> ')).pop() ?? '', /^starc> create localhost:x<Spce>; ?$/);
  } finally {
    r.unmount();
  }
});

test('errors show in red terms with their code; a command failing in the store keeps nothing', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type('create localhost<Space>;' + ENTER);
    const s = await r.waitFor(/error\[exists\]/, 'the store error');
    assert.match(s, /error\[exists\]: .*localhost/);
    assert.match(s.split('\n').pop() ?? '', /^starc> ?$/);
  } finally {
    r.unmount();
  }
});

test('multi-line input continues until `;`', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type('set localhost{');
    await r.type(ENTER);
    await r.waitFor(/^ {2}\.\.\.>/m, 'the continuation prompt');
    await r.type(' +title=Multi };');
    await r.type(ENTER);
    await r.waitFor(/title\s+Multi/, 'the result');
  } finally {
    r.unmount();
  }
});

test('Tab completes commands, points, kinds and property keys', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type('sel');
    await r.type(TAB);
    await r.waitFor(/^starc> select\s*$/m, 'the command');
    await r.type('localhost:fi');
    await r.type(TAB);
    await r.waitFor(/^starc> select localhost:files$/m, 'the point');
    await r.type('<FileS');
    await r.type(TAB);
    await r.waitFor(/^starc> select localhost:files<FileStore$/m, 'the kind');
    await r.type('\x15'); // Ctrl-U
    await r.type('get localhost{ ro');
    await r.type(TAB);
    await r.waitFor(/^starc> get localhost\{ router$/m, 'the property key');
    await r.type('\x15');
    await r.type('get re');
    await r.type(TAB);
    await r.waitFor(/^starc> get repo$/m, 'a top-level point');
    await r.type(':');
    await r.type(TAB);
    await r.waitFor(/^starc> get repo:site$/m, 'a child point');
  } finally {
    r.unmount();
  }
});

test('history: Up brings back entries, Ctrl-R searches them; a history file is read and appended', async () => {
  const file = join(work, 'history');
  writeFileSync(file, `${JSON.stringify('select repo:*;')}\n${JSON.stringify('get localhost;')}\n`);
  const history = History.load(file);
  const r = mount(history);
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type(UP);
    await r.waitFor(/^starc> get localhost;$/m, 'the newest entry');
    await r.type(UP);
    await r.waitFor(/^starc> select repo:\*;$/m, 'the older entry');
    await r.type('\x15');
    await r.type(CTRL_R);
    await r.type('repo');
    await r.waitFor(/reverse-i-search\)`repo': select repo:\*;/, 'the search');
    await r.type(ENTER);
    await r.waitFor(/^starc> select repo:\*;$/m, 'the accepted match');
    await r.type(ENTER);
    await r.waitFor(/repo:site\s+BundleSeries/, 'the result');
    assert.equal(History.load(file).all(), ['select repo:*;', 'get localhost;', 'select repo:*;']);
  } finally {
    r.unmount();
  }
});

test(':watch updates in place until Esc', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type(':w localhost');
    await r.type(ENTER);
    await r.waitFor(/watching localhost\s+Esc stops/, 'the view');
    await r.waitFor(/router\s+repo:site/, 'the properties');
    const set = await session.execute('set localhost{ +watched=yes };');
    assert.ok(set.ok);
    await r.waitFor(/watched\s+yes/, 'the update in place');
    assert.match(r.screen(), /recent events:/);
    assert.match(r.screen(), /localhost \+watched=yes/);
    await r.type(ESC);
    await r.waitFor(/stopped watching localhost \(1 event\)/, 'the end');
    assert.not.match(r.screen(), /Esc stops/);
  } finally {
    r.unmount();
  }
});

test(':tail opens a live view ended by Esc; a bad point is the error it is, and no view opens', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type(':tail localhost');
    await r.type(ENTER);
    await r.waitFor(/tailing localhost\s+Esc stops/, 'the view');
    await r.type(ESC);
    await r.waitFor(/stopped tailing localhost/, 'the end');
    assert.not.match(r.screen(), /Esc stops/);
    await r.type(':tail bad{point}');
    await r.type(ENTER);
    await r.waitFor(/error\[E0402\]: `bad\{point\}` is not a point/, 'the error');
    assert.not.match(r.screen(), /tailing bad/);
  } finally {
    r.unmount();
  }
});

test(':help, :explain and unique prefixes; :q and Ctrl-D quit', async () => {
  const r = mount();
  try {
    await r.waitFor(/^starc>/m, 'the prompt');
    await r.type(':h create');
    await r.type(ENTER);
    await r.waitFor(/create\[\?\|!\] POINT/, 'the help');
    await r.type(':ex E0401');
    await r.type(ENTER);
    await r.waitFor(/# E0401: an unknown kind/, 'the explanation');
    await r.type(':zz');
    await r.type(ENTER);
    await r.waitFor(/unknown meta command `:zz`/, 'the unknown meta command');
    await r.type(':q');
    await r.type(ENTER);
    for (let i = 0; i < 50 && !r.exited(); i++) await new Promise((res) => setTimeout(res, 20));
    assert.ok(r.exited(), ':q');
  } finally {
    r.unmount();
  }
  const d = mount();
  try {
    await d.waitFor(/^starc>/m, 'the prompt');
    await d.type(CTRL_D);
    assert.ok(d.exited(), 'Ctrl-D on an empty line');
  } finally {
    d.unmount();
  }
});

test.run();
