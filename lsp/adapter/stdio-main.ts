// The language server over stdin/stdout: what `starc lsp --stdio` runs, and the entry the VS Code extension
// bundles as its server.

import { startServer } from './server.ts';

startServer(process.stdin, process.stdout);
