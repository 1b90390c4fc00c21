// `starc run` as the e2e tests start it: the built binary in a child process (NO_COLOR, port 0 by default),
// ready once it printed its `listening on URL` and `admin on URL (token in FILE)` lines, with what it printed
// kept for failure messages, HTTP requests to its app server, and a stop that never leaves it running.
//
// Decisions:
// - stdout and stderr are kept as one text, in the order they arrived, so a failure shows both in context.
// - `stop` sends its signal and falls back to SIGKILL after 5 s, so a hung process cannot outlive the test; the
//   caller asserts on the exit code (and the time) it resolves with.
// - Requests carry `Host: localhost:PORT` (what the samples' routers serve) unless the caller gives a host.

import { spawn, type ChildProcess } from 'node:child_process';
import { STARC_BIN } from './project.ts';
import { httpRequest, type HttpOptions, type HttpReply } from './http-request.ts';

export interface RunOptions {
  /** `--data`. */
  readonly data: string;
  /** `--port`; 0 (any free port) by default. */
  readonly port?: number;
  /** The working directory; the current one by default. */
  readonly cwd?: string;
  /** Added to the environment (after NO_COLOR=1). */
  readonly env?: Record<string, string>;
  /** How long to wait for the `admin on` line; 20 s by default (the machine is shared). */
  readonly timeoutMs?: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RunningStarc {
  readonly child: ChildProcess;
  /** The app server, `http://127.0.0.1:PORT`, from the `listening on` line. */
  readonly url: string;
  readonly port: number;
  /** The admin endpoint and its token file, from the `admin on URL (token in FILE)` line. */
  readonly admin: { readonly url: string; readonly tokenFile: string };
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** stdout and stderr so far. */
  output(): string;
  /** Sends `signal` (SIGINT by default), SIGKILL after 5 s; the exit and how long it took from the signal. */
  stop(signal?: NodeJS.Signals): Promise<Exit & { readonly ms: number }>;
  /** SIGKILL, at once. */
  kill(): Promise<Exit>;
  /** `method path` on the app server with `Host: localhost:PORT` unless `options.headers` name a host. */
  request(method: string, path: string, options?: Omit<HttpOptions, 'method'>): Promise<HttpReply>;
  get(path: string, headers?: Record<string, string>): Promise<HttpReply>;
}

/** Starts `starc run APP_DIR --port P --data D`; resolves once it serves, rejects if it exits or hangs first. */
export function startRun(appDir: string, options: RunOptions): Promise<RunningStarc> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, [STARC_BIN, 'run', appDir, '--port', String(options.port ?? 0), '--data', options.data], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (out += chunk));
  child.stdout!.on('data', (chunk: string) => (out += chunk));

  const stop = async (signal: NodeJS.Signals = 'SIGINT'): Promise<Exit & { ms: number }> => {
    const began = Date.now();
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.kill(signal);
      await exited;
      clearTimeout(timer);
    }
    return { ...(await exited), ms: Date.now() - began };
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`starc run ${appDir} did not start in ${timeoutMs / 1000} s:\n${out}`));
    }, timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`starc run ${appDir} exited with ${code ?? signal}:\n${out}`));
    });
    const ready = (): void => {
      const listening = /listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
      const admin = /admin on (http:\/\/127\.0\.0\.1:\d+) \(token in (.+)\)\n/.exec(out);
      if (!listening || !admin) return;
      child.stdout!.off('data', ready);
      clearTimeout(timer);
      const url = listening[1]!;
      const port = Number(listening[2]);
      const request = (method: string, path: string, more: Omit<HttpOptions, 'method'> = {}): Promise<HttpReply> =>
        httpRequest(url, path, { ...more, method, headers: { host: `localhost:${port}`, ...more.headers } });
      resolve({
        child,
        url,
        port,
        admin: { url: admin[1]!, tokenFile: admin[2]! },
        exited,
        output: () => out,
        stop,
        kill: () => {
          child.kill('SIGKILL');
          return exited;
        },
        request,
        get: (path, headers) => request('GET', path, { headers }),
      });
    };
    child.stdout!.on('data', ready);
  });
}
