// The guest worker's entry when starc runs from source (tests, `tsx`): worker threads do not inherit tsx's
// loader here, so this plain-JS file registers it and then loads the TypeScript worker. The build bundles
// guest-worker.ts itself as dist/mechtron-worker.mjs and never uses this file.
import { register } from 'tsx/esm/api';

register();
await import('./guest-worker.ts');
