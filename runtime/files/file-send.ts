// `send` (SPEC §8) to path points, without a mesh: `send localhost:files:/a.txt Cmd<Update> "hello"` in an
// install script writes the File, `send ... Cmd<Read>` returns its text. The runtime wires `fileSend(store,
// meshSend)` into runtime/commands/execute.ts's CommandContext: path points go to the file driver, every other
// point to the mesh (or, without one, fail as `send` always did).
//
// Decisions: the command's body text is a Text substance, no body is Empty; the command's path (if any) is the
// Ping's uri. A 2xx reply's body is the command's value as plain JSON (Cmd<Read>: the file's text, or its
// base64 for binary content); anything else fails the command with the reply's message, so a script stops at a
// write that did not happen.

import type { SendFn } from '../commands/execute.ts';
import { substanceToJson } from '../http/serve-bytes.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_TIMEOUT_MS, type Ping } from '../waves/wave.ts';
import { driveFile, isPathPoint } from './file-driver.ts';

/** The Ping a script's `send` makes. */
export function pingOfSend(from: string, point: string, method: string, path: string | undefined, body: string | undefined): Ping {
  return {
    kind: 'Ping',
    id: crypto.randomUUID(),
    from,
    to: point,
    method,
    uri: path ?? '/',
    headers: {},
    body: body === undefined ? { kind: 'Empty' } : { kind: 'Text', value: body },
    handling: { timeoutMs: DEFAULT_TIMEOUT_MS, retries: 0 },
  };
}

/** A `send` that serves path points with the file driver and hands the rest to `other` (if any). */
export function fileSend(store: Store, other?: SendFn, from = 'HYPERUSER'): SendFn {
  return async (point, method, path, body) => {
    if (!isPathPoint(point)) {
      if (other) return other(point, method, path, body);
      throw new Error('send needs a running mesh (starc run) for points other than files');
    }
    const pong = driveFile(store, pingOfSend(from, point, method, path, body), { fileIdentity: false });
    if (pong.status < 200 || pong.status > 299) {
      throw new Error(pong.body.kind === 'Err' ? `${pong.status}: ${pong.body.message}` : `${pong.status}`);
    }
    return substanceToJson(pong.body);
  };
}
