// R5's victim: opens the store in argv[2] and creates particles in a loop, printing each point only after
// `create` returned (its commit acknowledged), until it is killed. Started by test/runtime-store.test.ts.

import { openStore } from '../../runtime/store/store.ts';

const dataDir = process.argv[2]!;
const durability = process.argv[3] === 'normal' ? 'normal' : 'full';
const opened = openStore(dataDir, { durability });
if (!opened.ok) {
  process.stderr.write(`${opened.error.message}\n`);
  process.exit(1);
}
const store = opened.value;
const space = store.create('r5', 'Space', [], 'ensure');
if (!space.ok) throw new Error(space.error.message);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const point = `r5:p${i}`;
  const r = store.create(point, 'Base', [{ op: 'set', key: 'n', value: String(i) }]);
  if (!r.ok) throw new Error(r.error.message);
  // Synchronous write to the pipe: the parent only hears of a point after its commit.
  process.stdout.write(`${point}\n`);
}
