// Runs every uvu test file under test/ (TypeScript through tsx). Pass a pattern to run a subset:
//   node scripts/run-tests.mjs render     UPDATE=1 rewrites golden files.
import { spawnSync } from 'node:child_process';

const pattern = process.argv[2] ? `${process.argv[2]}.*\\.test\\.ts$` : '\\.test\\.ts$';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
