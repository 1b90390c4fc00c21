// The VS Code client for starc: starts the language server and connects it to the five Starlane languages.
// Decisions:
// - The server is bundled inside the extension (dist/server.js, built from lsp/adapter/stdio-main.ts) and
//   run with VS Code's own Node over stdio, so the extension works with nothing else installed. The setting
//   `starc.server.path` runs an installed `starc lsp --stdio` instead (the same server, another build).
// - Watched files: the server understands a bundle folder as a whole (artifacts, schemas, wasm), so the
//   client reports changes to every file a bundle may refer to, not only the open documents.
// - A server that cannot start is reported once, with the reason, and the Restart command tries again.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

const LANGUAGES = ['starlane-bind', 'starlane-router', 'starlane-app', 'starlane-mechtron', 'starlane-script'];
/** What a bundle's checks read besides its source files. */
const WATCHED = '**/*.{bind,router,app,mechtron,script,wasm,json,yaml,yml}';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;

/** How to run the server: the bundled module, or the `starc` executable the user configured. */
function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const config = vscode.workspace.getConfiguration('starc');
  const configured = config.get<string>('server.path', '').trim();
  const extraEnv = config.get<Record<string, string>>('server.extraEnv', {});
  const env = { ...process.env, ...extraEnv };
  if (configured) {
    const command = configured.startsWith('~') ? path.join(process.env['HOME'] ?? '', configured.slice(1)) : configured;
    return { command, args: ['lsp', '--stdio'], transport: TransportKind.stdio, options: { env } };
  }
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  return {
    run: { module, transport: TransportKind.stdio, options: { env } },
    debug: { module, transport: TransportKind.stdio, options: { env, execArgv: ['--nolazy', '--inspect=6009'] } },
  };
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher(WATCHED) },
    outputChannel: output,
    traceOutputChannel: output,
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  client = new LanguageClient('starc', 'starc language server', serverOptions(context), clientOptions());
  try {
    await client.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    output?.error(`the language server did not start: ${reason}`);
    void vscode.window.showErrorMessage(`starc: the language server did not start (${reason}). Check the setting starc.server.path, then run "starc: Restart Language Server".`);
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running?.isRunning()) await running.stop();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('starc', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('starc.restartServer', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand('starc.showOutput', () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration('starc.server')) return;
      await stopClient();
      await startClient(context);
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
