// `starc lsp --stdio`: the language server, speaking LSP over stdin and stdout until the editor exits it.
// The server (and vscode-languageserver) is imported only here, on demand, so no other command pays for it.

import { parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import type { CliIo } from '../io.ts';

export const LSP_FLAGS: readonly FlagSpec[] = [{ name: 'stdio', kind: 'switch' }];

/** Start the server; the returned promise settles only when the client closes the connection. */
export async function runLsp(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, LSP_FLAGS, 'lsp');
  if (!parsed.ok) return reportUsage(io, parsed.problem);
  if (parsed.args.positionals.length > 0) {
    return reportUsage(io, { message: `unexpected argument \`${parsed.args.positionals[0]}\` for \`starc lsp\``, help: 'run `starc lsp --stdio`' });
  }
  if (parsed.args.flags.get('stdio') !== true) {
    return reportUsage(io, {
      message: '`starc lsp` needs a transport: `--stdio`',
      help: 'editors start it as `starc lsp --stdio` and speak LSP over stdin and stdout',
    });
  }
  const { startServer } = await import('../../lsp/adapter/server.ts');
  startServer(process.stdin, process.stdout);
  // The connection ends the process itself (on `exit`, or when stdin closes): never settle.
  return new Promise<number>(() => undefined);
}
