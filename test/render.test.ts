// Golden tests of the renderers on hand-built diagnostics: each expected text is the output, as a user sees it.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeDiagnostic, type Diagnostic, type DiagnosticParts, type Label } from '../grammar/diagnostic.ts';
import type { Span } from '../grammar/span.ts';
import { escapeData, escapeProperty, renderGithub } from '../compiler/diagnostics/render-github.ts';
import { renderDiagnostic, renderHuman, renderHumanSummary } from '../compiler/diagnostics/render-human.ts';
import { renderJson } from '../compiler/diagnostics/render-json.ts';
import { pathToSarifUri, renderSarif } from '../compiler/diagnostics/render-sarif.ts';
import { renderShort } from '../compiler/diagnostics/render-short.ts';
import { countDiagnostics, limitErrors, renderReports, type FileReport } from '../compiler/diagnostics/render.ts';
import { sarifProblems } from './helpers/sarif.ts';

// ---------------------------------------------------------------------------------------------------------------
// Helpers: spans by the text they cover, diagnostics in a line

/** The span of the `nth` (0-based) occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 0): Span {
  let start = -1;
  for (let i = 0; i <= nth; i++) {
    start = text.indexOf(needle, start + 1);
    if (start < 0) throw new Error(`\`${needle}\` occurs fewer than ${nth + 1} times`);
  }
  return { start, end: start + needle.length };
}

/** The empty span just after the `nth` occurrence of `needle`. */
function after(text: string, needle: string, nth = 0): Span {
  const { end } = at(text, needle, nth);
  return { start: end, end };
}

function error(code: string, message: string, primary: Label, parts: DiagnosticParts = {}): Diagnostic {
  return makeDiagnostic(code, 'error', message, primary, parts);
}

function warning(code: string, message: string, primary: Label, parts: DiagnosticParts = {}): Diagnostic {
  return makeDiagnostic(code, 'warning', message, primary, parts);
}

function human(d: Diagnostic, text: string, path = 'a.bind'): string {
  return renderDiagnostic(d, { path, text }, { color: false });
}

/** Golden text written as an indented template literal: drop the first newline and the common indent. */
function golden(strings: TemplateStringsArray): string {
  const lines = strings.join('').replace(/^\n/, '').split('\n');
  lines.pop(); // the line of the closing backtick
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

const APP_BIND = `Bind(version=1.0.0) {
  # users
  Route<Http<Fetch>>/users -> (()) => &;
}
`;

const E0102 = error(
  'E0102',
  'unknown Http method `Fetch`',
  { span: at(APP_BIND, 'Fetch'), label: 'not an Http method' },
  {
    notes: ['Http methods are Get, Post, Put, Delete, Patch, Head, Options, Trace, Connect'],
    suggestions: [
      { message: 'did you mean `Patch`?', edits: [{ span: at(APP_BIND, 'Fetch'), newText: 'Patch' }], applicability: 'maybe' },
    ],
  },
);

// ---------------------------------------------------------------------------------------------------------------
// human

test('human: SPEC §9 example, byte for byte', () => {
  assert.fixture(
    human(E0102, APP_BIND, 'bundle/bind/app.bind'),
    golden`
      error[E0102]: unknown Http method \`Fetch\`
       --> bundle/bind/app.bind:3:14
        |
      3 |   Route<Http<Fetch>>/users -> (()) => &;
        |              ^^^^^ not an Http method
        |
        = note: Http methods are Get, Post, Put, Delete, Patch, Head, Options, Trace, Connect
      help: did you mean \`Patch\`?
        |
      3 |   Route<Http<Patch>>/users -> (()) => &;
        |              ~~~~~
    `,
  );
});

test('human: several labels on one line hang below it, rightmost highest', () => {
  const text = 'Bind(version=1.0.0) { Route<Http<Get>> -> ; }\n';
  const d = error('E0111', 'a step without a stop', { span: at(text, '->'), label: 'this step has no stop' }, {
    secondary: [
      { span: at(text, 'Route'), label: 'in this route' },
      { span: at(text, 'Get'), label: 'for this method' },
    ],
    help: ['end the pipeline with a stop such as `&`'],
  });
  assert.fixture(
    human(d, text),
    golden`
      error[E0111]: a step without a stop
       --> a.bind:1:40
        |
      1 | Bind(version=1.0.0) { Route<Http<Get>> -> ; }
        |                       -----      ---   ^^ this step has no stop
        |                       |          |
        |                       |          for this method
        |                       in this route
        |
        = help: end the pipeline with a stop such as \`&\`
    `,
  );
});

test('human: labels on other lines in line order; one skipped line is shown, more become `...`', () => {
  const text = [
    'App(version=1.0.0) {',
    '  Set { +bind=x; }',
    '  Require { FileStore; }',
    '  Install { }',
    '  Set { +bind=y; }',
    '}',
    '',
  ].join('\n');
  const d = error('E0301', 'the section `Set` appears twice', { span: at(text, 'Set', 1), label: 'second `Set`' }, {
    secondary: [{ span: at(text, 'Set', 0), label: 'first `Set` here' }],
  });
  assert.fixture(
    human(d, text, 'x.app'),
    golden`
      error[E0301]: the section \`Set\` appears twice
       --> x.app:5:3
        |
      2 |   Set { +bind=x; }
        |   --- first \`Set\` here
      ...
      5 |   Set { +bind=y; }
        |   ^^^ second \`Set\`
    `,
  );
  const closer = error('E0301', 'twice', { span: at(text, 'Install'), label: 'here' }, {
    secondary: [{ span: at(text, 'Set'), label: 'and here' }],
  });
  assert.fixture(
    human(closer, text, 'x.app'),
    golden`
      error[E0301]: twice
       --> x.app:4:3
        |
      2 |   Set { +bind=x; }
        |   --- and here
      3 |   Require { FileStore; }
      4 |   Install { }
        |   ^^^^^^^ here
    `,
  );
});

test('human: a zero-width span gets one caret; an insertion is marked with `+`', () => {
  const text = 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (()) => &\n}\n';
  const semi = after(text, '&');
  const d = error('E0001', 'expected `;`', { span: semi, label: 'expected `;` here' }, {
    suggestions: [{ message: 'add a `;`', edits: [{ span: semi, newText: ';' }], applicability: 'machine' }],
  });
  assert.fixture(
    human(d, text),
    golden`
      error[E0001]: expected \`;\`
       --> a.bind:2:32
        |
      2 |   Route<Http<Get>> -> (()) => &
        |                                ^ expected \`;\` here
        |
      help: add a \`;\`
        |
      2 |   Route<Http<Get>> -> (()) => &;
        |                                +
    `,
  );
});

test('human: a span over several lines is drawn in the margin, both rustc forms', () => {
  const text = 'Bind(version=1.0.0) {\n  Route -> {\n    Http<Get> -> (()) => &\n  }\n}\n';
  const block = { start: text.indexOf('{', 25), end: text.indexOf('  }') + 3 };
  const d = error('E0001', 'expected `;`', { span: after(text, '&'), label: 'expected `;` here' }, {
    secondary: [{ span: block, label: 'in this block' }],
  });
  assert.fixture(
    human(d, text),
    golden`
      error[E0001]: expected \`;\`
       --> a.bind:3:27
        |
      2 |     Route -> {
        |  ____________-
      3 | |     Http<Get> -> (()) => &
        | |                           ^ expected \`;\` here
      4 | |   }
        | |___- in this block
    `,
  );
  // Starting at the line's indentation, the span opens with `/` on the line itself.
  const route = { start: text.indexOf('Route'), end: text.indexOf('  }') + 3 };
  const w = warning('W0104', 'an empty block', { span: route, label: 'this route' });
  assert.fixture(
    human(w, text),
    golden`
      warning[W0104]: an empty block
       --> a.bind:2:3
        |
      2 | /   Route -> {
      3 | |     Http<Get> -> (()) => &
      4 | |   }
        | |___^ this route
    `,
  );
});

test('human: a long multi-line span keeps two lines at each end', () => {
  const body = Array.from({ length: 10 }, (_, i) => `    Get/p${i} -> (()) => &;`).join('\n');
  const text = `Bind(version=1.0.0) {\n  Route<Http> -> {\n${body}\n  }\n}\n`;
  const span = { start: text.indexOf('Route'), end: text.indexOf('  }') + 3 };
  assert.fixture(
    human(warning('W0103', 'an unreachable route', { span, label: 'never reached' }), text),
    golden`
      warning[W0103]: an unreachable route
        --> a.bind:2:3
         |
      2  | /   Route<Http> -> {
      3  | |     Get/p0 -> (()) => &;
      ...
      12 | |     Get/p9 -> (()) => &;
      13 | |   }
         | |___^ never reached
    `,
  );
});

test('human: tabs are 4 columns and carets stay under their text', () => {
  const text = 'App(version=1.0.0) {\n\tSet {\n\t\t+bind=x,\t+name=y;\n\t}\n}\n';
  const comma = at(text, ',');
  const d = warning('W0302', 'properties separated by `,`', { span: comma, label: 'end with `;`' }, {
    secondary: [{ span: at(text, 'name'), label: 'next property' }],
    suggestions: [{ message: 'write `;`', edits: [{ span: comma, newText: ';' }], applicability: 'machine' }],
  });
  assert.fixture(
    human(d, text, 'x.app'),
    golden`
      warning[W0302]: properties separated by \`,\`
       --> x.app:3:10
        |
      3 |         +bind=x,    +name=y;
        |                ^     ---- next property
        |                |
        |                end with \`;\`
        |
      help: write \`;\`
        |
      3 |         +bind=x;    +name=y;
        |                ~
    `,
  );
});

test('human: wide characters take two columns, control characters are shown, not obeyed', () => {
  const text = 'App(version=1.0.0) { Set { +title="日本"; +x=\x1b[31m; } }\n';
  const d = error('E0305', 'bad value', { span: at(text, '日本'), label: 'here' }, {
    secondary: [{ span: at(text, '\x1b'), label: 'escape' }],
  });
  const out = human(d, text, 'x.app');
  assert.not.ok(out.includes('\x1b'), 'no raw escape reaches the terminal');
  assert.fixture(
    out,
    golden`
      error[E0305]: bad value
       --> x.app:1:36
        |
      1 | App(version=1.0.0) { Set { +title="日本"; +x=␛[31m; } }
        |                                    ^^^^      - escape
        |                                    |
        |                                    here
    `,
  );
});

test('human: the gutter is as wide as the largest line number, suggestions included', () => {
  const text = Array.from({ length: 9 }, () => '').join('\n') + '\nBind(version=2.0.0) { }\n';
  const d = error('E0003', 'unsupported version `2.0.0`', { span: at(text, '2.0.0'), label: 'only 1.0.0 exists' }, {
    suggestions: [{ message: 'use 1.0.0', edits: [{ span: at(text, '2.0.0'), newText: '1.0.0' }], applicability: 'maybe' }],
  });
  assert.fixture(
    human(d, text),
    golden`
      error[E0003]: unsupported version \`2.0.0\`
        --> a.bind:10:14
         |
      10 | Bind(version=2.0.0) { }
         |              ^^^^^ only 1.0.0 exists
         |
      help: use 1.0.0
         |
      10 | Bind(version=1.0.0) { }
         |              ~~~~~
    `,
  );
});

test('human: a pure deletion is shown as before and after lines', () => {
  const text = 'App(version=1.0.0) { Set { +a=1;; } }\n';
  const extra = { start: text.indexOf(';;') + 1, end: text.indexOf(';;') + 2 };
  const d = warning('W0304', 'an extra `;`', { span: extra, label: 'remove this' }, {
    suggestions: [{ message: 'remove the `;`', edits: [{ span: extra, newText: '' }], applicability: 'machine' }],
  });
  assert.fixture(
    human(d, text, 'x.app'),
    golden`
      warning[W0304]: an extra \`;\`
       --> x.app:1:33
        |
      1 | App(version=1.0.0) { Set { +a=1;; } }
        |                                 ^ remove this
        |
      help: remove the \`;\`
        |
      1 - App(version=1.0.0) { Set { +a=1;; } }
      1 + App(version=1.0.0) { Set { +a=1; } }
    `,
  );
});

test('human: colours are rustc’s, and absent when off', () => {
  const coloured = renderDiagnostic(E0102, { path: 'app.bind', text: APP_BIND }, { color: true });
  const lines = coloured.split('\n');
  assert.is(lines[0], '\x1b[1;91merror[E0102]\x1b[0m\x1b[1m: unknown Http method `Fetch`\x1b[0m');
  assert.is(lines[1], ' \x1b[1;94m-->\x1b[0m app.bind:3:14');
  assert.ok(lines[4]!.includes('\x1b[1;91m^^^^^ not an Http method\x1b[0m'), lines[4]);
  assert.ok(coloured.includes('\x1b[1;96mhelp\x1b[0m: did you mean'), 'help in bold cyan');
  assert.ok(coloured.includes('\x1b[92m~~~~~\x1b[0m'), 'suggestion marks in green');
  const w = warning('W0101', 'deprecated', { span: at(APP_BIND, '(())'), label: 'old' }, {
    secondary: [{ span: at(APP_BIND, 'Route'), label: 'route' }],
  });
  const warned = renderDiagnostic(w, { path: 'app.bind', text: APP_BIND }, { color: true });
  assert.ok(warned.startsWith('\x1b[1;93mwarning[W0101]'), 'warning in bold yellow');
  assert.ok(warned.includes('\x1b[1;94m-----'), 'secondary underline in bold blue');
  assert.not.ok(human(E0102, APP_BIND).includes('\x1b'), 'no escapes without colour');
});

test('human: a run separates diagnostics by a blank line and says what --max-errors hid', () => {
  const reports: FileReport[] = [{ path: 'app.bind', text: APP_BIND, diagnostics: [E0102, E0102] }];
  const out = renderHuman(reports, { color: false, omitted: { errors: 2, warnings: 1 }, maxErrors: 2 });
  assert.is(out.split('\n\n').length, 4);
  assert.ok(out.endsWith('note: 2 more errors and 1 more warning not shown (`--max-errors 2`)\n\n'), out);
});

test('human summary: wording for errors, warnings, denied warnings and clean runs', () => {
  const s = (errors: number, warnings: number, files: number, filesWithProblems: number, denyWarnings = false) =>
    renderHumanSummary({ errors, warnings, files, filesWithProblems }, { color: false, denyWarnings });
  assert.is(s(3, 1, 5, 2), 'error: check failed: 3 errors and 1 warning in 2 of 5 files\n');
  assert.is(s(1, 0, 1, 1), 'error: check failed: 1 error in 1 file\n');
  assert.is(s(0, 2, 3, 3), 'warning: 2 warnings in 3 files\n');
  assert.is(s(0, 2, 3, 1, true), 'error: check failed: 2 warnings in 1 of 3 files (warnings denied by `--deny-warnings`)\n');
  assert.is(s(0, 0, 4, 0), 'checked 4 files: no problems found\n');
  assert.is(s(0, 0, 1, 0), 'checked 1 file: no problems found\n');
  const coloured = renderHumanSummary({ errors: 1, warnings: 0, files: 1, filesWithProblems: 1 }, { color: true });
  assert.ok(coloured.startsWith('\x1b[1;91merror\x1b[0m'), coloured);
});

// ---------------------------------------------------------------------------------------------------------------
// ordering and limits

const MIXED = 'Bind(version=1.0.0) { Route<Http<Fetch>> -> {{ }} => &; Route<Http<Grab>> -> (()) => &; }\n';
const W_CORE = warning('W0101', 'deprecated core delivery `{{ }}`', { span: at(MIXED, '{{ }}'), label: 'write `(( ))`' });
const E_FETCH = error('E0102', 'unknown Http method `Fetch`', { span: at(MIXED, 'Fetch'), label: 'not an Http method' });
const E_GRAB = error('E0102', 'unknown Http method `Grab`', { span: at(MIXED, 'Grab'), label: 'not an Http method' });

test('renderReports: diagnostics by position, errors and warnings interleaved', () => {
  const reports = [{ path: 'm.bind', text: MIXED, diagnostics: [E_GRAB, W_CORE, E_FETCH] }];
  assert.fixture(
    renderReports('short', reports, { color: false }),
    golden`
      m.bind:1:34: error[E0102]: unknown Http method \`Fetch\`
      m.bind:1:45: warning[W0101]: deprecated core delivery \`{{ }}\`
      m.bind:1:68: error[E0102]: unknown Http method \`Grab\`
    `,
  );
});

test('limitErrors keeps everything up to the Nth error and counts the rest', () => {
  const reports = [
    { path: 'm.bind', text: MIXED, diagnostics: [E_FETCH, W_CORE, E_GRAB] },
    { path: 'n.bind', text: MIXED, diagnostics: [W_CORE] },
    { path: 'ok.bind', text: '', diagnostics: [] },
  ];
  const { reports: limited, omitted } = limitErrors(reports, 1);
  assert.equal(limited.map((r) => r.diagnostics.length), [1, 0, 0]);
  assert.equal(omitted, { errors: 1, warnings: 2 });
  assert.equal(countDiagnostics(reports), { errors: 2, warnings: 2, files: 3, filesWithProblems: 2 });
});

// ---------------------------------------------------------------------------------------------------------------
// short

test('short: one line per diagnostic, coloured only when asked', () => {
  const reports = [{ path: 'bundle/bind/app.bind', text: APP_BIND, diagnostics: [E0102] }];
  assert.is(
    renderShort(reports, { color: false }),
    'bundle/bind/app.bind:3:14: error[E0102]: unknown Http method `Fetch`\n',
  );
  assert.is(
    renderShort(reports, { color: true }),
    '\x1b[1mbundle/bind/app.bind:3:14:\x1b[0m \x1b[1;91merror[E0102]\x1b[0m: unknown Http method `Fetch`\n',
  );
  assert.is(renderShort([{ ...reports[0]!, diagnostics: [] }], { color: false }), '');
});

// ---------------------------------------------------------------------------------------------------------------
// json

test('json: versioned document with byte and UTF-16 offsets, lines, columns, edits and a summary', () => {
  const text = 'Bind(version=1.0.0) {\n  # é😀\n  Route<Http<Fetch>> -> (()) => &;\n}\n';
  const d = error('E0102', 'unknown Http method `Fetch`', { span: at(text, 'Fetch'), label: 'not an Http method' }, {
    secondary: [{ span: at(text, 'Route'), label: 'in this route' }],
    notes: ['a note'],
    help: ['a help'],
    suggestions: [{ message: 'did you mean `Patch`?', edits: [{ span: at(text, 'Fetch'), newText: 'Patch' }], applicability: 'maybe' }],
  });
  const doc = JSON.parse(
    renderJson(
      [
        { path: 'bundle/a.bind', text, diagnostics: [d] },
        { path: 'bundle/b.bind', text: '', diagnostics: [] },
      ],
      { color: false, omitted: { errors: 1, warnings: 0 }, counts: { errors: 2, warnings: 0, files: 2, filesWithProblems: 1 } },
    ),
  );
  assert.is(doc.format_version, '1');
  assert.equal(doc.files.map((f: { path: string }) => f.path), ['bundle/a.bind', 'bundle/b.bind']);
  assert.equal(doc.files[1].diagnostics, []);
  const got = doc.files[0].diagnostics[0];
  assert.is(got.code, 'E0102');
  assert.is(got.severity, 'error');
  assert.is(got.message, 'unknown Http method `Fetch`');
  const utf16 = text.indexOf('Fetch');
  // `é` is 2 bytes and 1 UTF-16 unit; `😀` is 4 bytes and 2 units: 3 more bytes than units before `Fetch`.
  assert.equal(got.primary, {
    span: {
      byte_start: utf16 + 3,
      byte_end: utf16 + 8,
      utf16_start: utf16,
      utf16_end: utf16 + 5,
      start: { line: 3, column: 14 },
      end: { line: 3, column: 19 },
    },
    label: 'not an Http method',
  });
  assert.is(got.secondary[0].label, 'in this route');
  assert.equal(got.secondary[0].span.start, { line: 3, column: 3 });
  assert.equal(got.notes, ['a note']);
  assert.equal(got.help, ['a help']);
  assert.equal(got.suggestions[0].applicability, 'maybe');
  assert.equal(got.suggestions[0].edits[0].new_text, 'Patch');
  assert.equal(got.suggestions[0].edits[0].span.utf16_start, utf16);
  assert.equal(doc.summary, { files: 2, files_with_problems: 1, errors: 2, warnings: 0, omitted_errors: 1, omitted_warnings: 0 });
});

// ---------------------------------------------------------------------------------------------------------------
// sarif

test('sarif: valid SARIF 2.1.0 with rules, locations, related locations and fixes', () => {
  const text = 'Bind(version=1.0.0) {\n  Route<Http<Fetch>> -> {{ }} => &;\n}\n';
  const fetch = error('E0102', 'unknown Http method `Fetch`', { span: at(text, 'Fetch'), label: 'not an Http method' }, {
    secondary: [{ span: at(text, 'Route'), label: 'in this route' }],
    notes: ['Http methods are Get, Post'],
    suggestions: [{ message: 'did you mean `Patch`?', edits: [{ span: at(text, 'Fetch'), newText: 'Patch' }], applicability: 'maybe' }],
  });
  const core = warning('W0101', 'deprecated core delivery `{{ }}`', { span: at(text, '{{ }}'), label: '' }, {
    suggestions: [{ message: 'write `(( ))`', edits: [{ span: at(text, '{{ }}'), newText: '(( ))' }], applicability: 'machine' }],
  });
  const insert = error('E0001', 'expected `;`', { span: after(text, '&'), label: 'here' });
  const log = JSON.parse(
    renderSarif(
      [
        { path: 'bundle/bind/my app.bind', text, diagnostics: [fetch, core, insert, fetch] },
        { path: 'clean.bind', text: '', diagnostics: [] },
      ],
      { color: false, toolVersion: '0.1.0', omitted: { errors: 3, warnings: 0 }, maxErrors: 4 },
    ),
  );
  assert.equal(sarifProblems(log), []);
  assert.is(log.version, '2.1.0');
  const run = log.runs[0];
  assert.is(run.tool.driver.name, 'starc');
  assert.equal(run.tool.driver.rules.map((r: { id: string }) => r.id), ['E0102', 'W0101', 'E0001']);
  assert.is(run.tool.driver.rules[0].shortDescription.text, 'a method that does not exist for its wave kind');
  assert.is(run.results.length, 4);
  const [first, second, third] = run.results;
  assert.is(first.level, 'error');
  assert.is(second.level, 'warning');
  assert.is(first.message.text, 'unknown Http method `Fetch`\nnote: Http methods are Get, Post');
  const location = first.locations[0];
  assert.is(location.physicalLocation.artifactLocation.uri, 'bundle/bind/my%20app.bind');
  assert.equal(location.physicalLocation.region, { startLine: 2, startColumn: 14, endLine: 2, endColumn: 19 });
  assert.is(location.message.text, 'not an Http method');
  assert.is(first.relatedLocations[0].message.text, 'in this route');
  assert.equal(first.fixes[0].artifactChanges[0].replacements[0], {
    deletedRegion: { startLine: 2, startColumn: 14, endLine: 2, endColumn: 19 },
    insertedContent: { text: 'Patch' },
  });
  // An insertion point is an empty region.
  const region = third.locations[0].physicalLocation.region;
  assert.is(region.startColumn, region.endColumn);
  assert.match(run.invocations[0].toolExecutionNotifications[0].message.text, /3 more errors not shown/);
});

test('sarif: an empty run is valid, and broken logs are caught by the validator', () => {
  const log = JSON.parse(renderSarif([], { color: false }));
  assert.equal(sarifProblems(log), []);
  assert.equal(log.runs[0].results, []);
  assert.ok(sarifProblems({ ...log, version: '2.0.0' }).length > 0);
  const bad = JSON.parse(renderSarif([{ path: 'a.bind', text: APP_BIND, diagnostics: [E0102] }], { color: false }));
  bad.runs[0].results[0].level = 'fatal';
  bad.runs[0].results[0].ruleIndex = 5;
  assert.is(sarifProblems(bad).length, 2);
});

test('sarif: paths become relative URIs with forward slashes, absolute ones file: URIs', () => {
  assert.is(pathToSarifUri('bundle\\bind\\a b.bind'), 'bundle/bind/a%20b.bind');
  assert.is(pathToSarifUri('./x/#1.bind'), 'x/%231.bind');
  assert.is(pathToSarifUri('/srv/app/x.bind'), 'file:///srv/app/x.bind');
  assert.is(pathToSarifUri('C:\\app\\x.bind'), 'file:///C:/app/x.bind');
});

// ---------------------------------------------------------------------------------------------------------------
// github

test('github: workflow commands with GitHub’s escaping and inclusive columns', () => {
  const text = 'Bind(version=1.0.0) {\n  Route<Http<Fetch>> -> (()) => &;\n}\n';
  const d = error('E0102', 'unknown Http method `Fetch`: 100% wrong', { span: at(text, 'Fetch'), label: 'not an Http method' }, {
    notes: ['methods are Get, Post'],
  });
  const multiline = warning('W0104', 'an empty block', { span: { start: text.indexOf('{'), end: text.length - 1 }, label: '' });
  const out = renderGithub([{ path: 'b/x,y:z.bind', text, diagnostics: [d, multiline] }], { color: false });
  assert.fixture(
    out,
    golden`
      ::error file=b/x%2Cy%3Az.bind,line=2,col=14,endLine=2,endColumn=18,title=E0102::unknown Http method \`Fetch\`: 100%25 wrong: not an Http method%0Anote: methods are Get, Post
      ::warning file=b/x%2Cy%3Az.bind,line=1,endLine=3,title=W0104::an empty block
    `,
  );
  assert.is(escapeData('a%b\r\nc'), 'a%25b%0D%0Ac');
  assert.is(escapeProperty('a,b:c%'), 'a%2Cb%3Ac%25');
});

test.run();
