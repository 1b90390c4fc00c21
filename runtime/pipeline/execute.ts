// The pipeline executor (SPEC §4.3, DESIGN.md §5): runs a selected route's filters, payload checks, steps and
// stops on one Ping and resolves to exactly one Pong. Nothing it meets makes it throw: a refused filter, a
// failed check, a stop that fails or throws, a deadline: each is a Pong with a status.
//
// Decisions:
// - The "current response" starts as 200 with an Empty body. `&` replies with it and ends the pipeline; later
//   segments are not run (the sender has had its one Pong).
// - A pipeline that ends without `&` (a Signal-like route such as `-> (())`) still resolves to the last current
//   response, so a caller that sent a Ping is answered.
// - What a stop receives: after `->` the request; after `=>` the request with the current response's body
//   (and headers), so `-> (()) => localhost:next => &` hands the core's output to `localhost:next`.
// - Point stops keep the method and URI; call stops take their method, and their path when written (the query
//   string is then dropped). A point or call reply that is not 2xx ends the pipeline with that reply.
// - Hostile bodies: before the first check of a body (request or response) its size and depth are measured
//   (check-pattern.ts); past the limits it is refused like a failed check. Routes without checks are not
//   limited here (a file upload may be large), that is the ingress's business.
// - `(timeout)` bounds everything from the filters on; at the deadline the sender gets 408 and whatever the
//   pipeline does later is dropped. Without one, the bus's Handling.timeoutMs applies (not this module's job).

import type { IrCheck, IrRoute, IrStop } from '../../compiler/ir/types.ts';
import { pongTo, type Ping, type Pong, type Substance } from '../waves/wave.ts';
import { checkPattern, patternText, type BodyLimits, DEFAULT_BODY_LIMITS } from '../payload/check-pattern.ts';
import type { SchemaRegistry } from '../payload/schemas.ts';
import { admit, deadlineMs, RateLimits } from './filters.ts';
import { pathOf, selectRoute, type RouteSelection } from './select-route.ts';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface PipelineContext {
  /** The particle whose bind runs (`${self}`, and the `from` of the Pongs and Pings it makes). */
  readonly self: string;
  /** The bundle the bind came from (`${doc.bundle}`), e.g. `repo:site:1.0.0`. */
  readonly docBundle: string;
  /** The bind artifact itself (`${doc}`), when known. */
  readonly doc?: string;
  /** `(( ))`: the particle's own core. */
  deliverToCore(ping: Ping): Promise<Pong>;
  /** Point and call stops, mechtron validators: another particle. */
  send(to: string, ping: Ping): Promise<Pong>;
  readonly schemas: SchemaRegistry;
  /** Milliseconds, for rate limits. */
  now(): number;
  /** For `(timeout)`; the global timers when absent. */
  readonly timers?: Timers;
  /** Shared token buckets; a module-wide one when absent. */
  readonly rateLimits?: RateLimits;
  readonly bodyLimits?: BodyLimits;
  /** Wave ids; `crypto.randomUUID` when absent. */
  newId?(): string;
}

const REAL_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
const SHARED_RATE_LIMITS = new RateLimits();

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Timeout', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reasonOf(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Server Error' : status >= 400 ? 'Client Error' : 'OK');
}

/** Select the route for `ping` in `routes` and run it; 404 when no route matches. */
export function routePing(routes: readonly IrRoute[], ping: Ping, ctx: PipelineContext): Promise<Pong> {
  const selection = selectRoute(routes, { method: ping.method, path: ping.uri });
  if (!selection) return Promise.resolve(errorPong(ping, ctx, 404, `no route for ${ping.method} ${pathOf(ping.uri)}`));
  return executePipeline(selection, ping, ctx);
}

/** Run a selected route on `ping`. Resolves to exactly one Pong and never rejects. */
export function executePipeline(selection: RouteSelection, ping: Ping, ctx: PipelineContext): Promise<Pong> {
  if (isCoreRoundTrip(selection.route)) return coreRoundTrip(ping, ctx);
  const ms = deadlineMs(selection.route.filters);
  const run = runGuarded(selection, ping, ctx);
  if (ms === undefined) return run;
  const timers = ctx.timers ?? REAL_TIMERS;
  return new Promise<Pong>((resolve) => {
    let settled = false;
    const handle = timers.set(() => {
      if (settled) return;
      settled = true;
      resolve(errorPong(ping, ctx, 408, `the route's timeout of ${ms} ms passed`));
    }, ms);
    void run.then((pong) => {
      if (settled) return;
      settled = true;
      timers.clear(handle);
      resolve(pong);
    });
  });
}

/**
 * `-> (()) => &` with no filters and no checks: the route every mechtron without a bind of its own has (Starlane's
 * default bind), and the commonest of all. It means exactly "the core's reply is the reply", so it runs without the
 * general loop (B4 measures this path; the result is the same Pong the loop would make).
 */
function isCoreRoundTrip(route: IrRoute): boolean {
  const [first, second] = route.pipeline;
  return (
    route.filters.length === 0 &&
    route.pipeline.length === 2 &&
    first!.stop.kind === 'core' &&
    first!.step.pass === 'request' &&
    first!.step.checks.length === 0 &&
    second!.stop.kind === 'reply' &&
    second!.step.checks.length === 0
  );
}

async function coreRoundTrip(ping: Ping, ctx: PipelineContext): Promise<Pong> {
  try {
    const reply = await ctx.deliverToCore(ping.to === ctx.self ? ping : { ...ping, to: ctx.self });
    return pongOf(ping, ctx, fromPong(reply));
  } catch (e) {
    return errorPong(ping, ctx, 500, `internal error in the pipeline: ${(e as Error)?.message ?? String(e)}`);
  }
}

async function runGuarded(selection: RouteSelection, ping: Ping, ctx: PipelineContext): Promise<Pong> {
  try {
    return await run(selection, ping, ctx);
  } catch (e) {
    return errorPong(ping, ctx, 500, `internal error in the pipeline: ${(e as Error)?.message ?? String(e)}`);
  }
}

interface Current {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Substance;
}

async function run(selection: RouteSelection, ping: Ping, ctx: PipelineContext): Promise<Pong> {
  const { route } = selection;
  const refused = admit(route, ping, ctx.rateLimits ?? SHARED_RATE_LIMITS, ctx.now());
  if (refused) return errorPong(ping, ctx, refused.status, refused.message, refused.headers);

  const resolve = (text: string) => substitute(text, selection, ctx);
  let current: Current = { status: 200, headers: {}, body: { kind: 'Empty' } };

  for (const segment of route.pipeline) {
    for (const check of segment.step.checks) {
      const failed = await runCheck(check, check.flow === 'request' ? ping.body : current.body, selection, ping, ctx, resolve);
      if (failed) return failed;
    }
    const passed: Ping = segment.step.pass === 'request'
      ? ping
      : { ...ping, headers: { ...ping.headers, ...current.headers }, body: current.body };
    const stop: IrStop = segment.stop;
    switch (stop.kind) {
      case 'core': {
        const reply = await ctx.deliverToCore({ ...passed, to: ctx.self });
        current = fromPong(reply);
        break;
      }
      case 'reply':
        return pongOf(ping, ctx, current);
      case 'status':
        return errorPong(ping, ctx, stop.status, stop.message ?? reasonOf(stop.status));
      case 'point':
      case 'call': {
        const to = resolve(stop.point);
        const forwarded: Ping = {
          ...passed,
          id: newId(ctx),
          from: ctx.self,
          to,
          ...(stop.kind === 'call' ? { method: stop.method, uri: stop.path !== undefined ? resolve(stop.path) : passed.uri } : {}),
        };
        const reply = await ctx.send(to, forwarded);
        current = fromPong(reply);
        if (current.status < 200 || current.status > 299) return pongOf(ping, ctx, current);
        break;
      }
    }
  }
  return pongOf(ping, ctx, current);
}

async function runCheck(
  check: IrCheck,
  body: Substance,
  selection: RouteSelection,
  ping: Ping,
  ctx: PipelineContext,
  resolve: (text: string) => string,
): Promise<Pong | undefined> {
  const result = await checkPattern(check.pattern, body, {
    schemas: ctx.schemas,
    limits: ctx.bodyLimits ?? DEFAULT_BODY_LIMITS,
    resolvePoint: resolve,
    askValidator: async (point, method, checked) => {
      const reply = await ctx.send(point, {
        ...ping,
        id: newId(ctx),
        from: ctx.self,
        to: point,
        method,
        uri: ping.uri,
        body: checked,
      });
      return { status: reply.status, message: reply.body.kind === 'Err' ? reply.body.message : undefined };
    },
  });
  if (result.ok) return undefined;
  const which = check.flow === 'request' ? 'request' : 'response';
  const where = result.path === '' ? 'the body' : result.path;
  const message = `${which} body does not match \`${patternText(check.pattern)}\` (${selection.route.span.file}:${selection.route.span.line}): at ${where}: expected ${result.expected}, found ${result.found}`;
  // A response that breaks its route's contract is the server's fault, and so is a check that could not run.
  const status = check.flow === 'response' ? 500 : result.status;
  return errorPong(ping, ctx, status, message);
}

/** `${name}` (captures, `doc.bundle`, `doc`, `self`) and `$1`..`$9` (the innermost path's groups). */
export function substitute(text: string, selection: RouteSelection, ctx: Pick<PipelineContext, 'docBundle' | 'self' | 'doc'>): string {
  return text.replace(/\$\{([a-z][a-z0-9.-]*)\}|\$([1-9])/g, (whole, name: string | undefined, index: string | undefined) => {
    if (index !== undefined) return selection.groups[Number(index) - 1] ?? '';
    switch (name) {
      case 'doc.bundle':
        return ctx.docBundle;
      case 'self':
        return ctx.self;
      case 'doc':
        if (ctx.doc !== undefined) return ctx.doc;
        break;
    }
    const value = selection.captures[name!];
    // The checker refuses unknown variables (E0106); one here means IR that did not come from it.
    if (value === undefined) throw new Error(`\`${whole}\` names no capture or variable`);
    return value;
  });
}

function newId(ctx: PipelineContext): string {
  return ctx.newId ? ctx.newId() : crypto.randomUUID();
}

function fromPong(pong: Pong): Current {
  return { status: pong.status, headers: pong.headers ?? {}, body: pong.body ?? { kind: 'Empty' } };
}

function pongOf(ping: Ping, ctx: PipelineContext, current: Current): Pong {
  return pongTo(ping, current.status, current.body, current.headers, { from: ctx.self, id: newId(ctx) });
}

function errorPong(ping: Ping, ctx: PipelineContext, status: number, message: string, headers: Readonly<Record<string, string>> = {}): Pong {
  return pongOf(ping, ctx, { status, headers, body: { kind: 'Err', status, message } });
}
