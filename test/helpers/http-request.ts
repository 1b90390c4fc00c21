// One HTTP request over node:http for the tests that talk to a real server: the path goes out exactly as written
// (fetch would resolve `..` and `%2e%2e` itself, and drops a Host header it is given), and the whole reply comes
// back as bytes and as UTF-8 text.

import { request } from 'node:http';

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** `body` decoded as UTF-8. */
  readonly text: string;
}

export interface HttpOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
}

/** `path` (sent as written) on the server at `origin` (`http://127.0.0.1:PORT`); rejects only when the request fails. */
export function httpRequest(origin: string, path: string, options: HttpOptions = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(origin);
    const req = request({ host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
