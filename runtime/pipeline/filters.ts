// Route filters (SPEC §4.4), enforced: `(auth)` 401, `(auth role=x)` 403, `(limit N/s)` 429 per sender with a
// token bucket, `(timeout 2s)` a deadline on the whole pipeline (executed by execute.ts). The clock is injected.

import type { IrFilter, IrRoute } from '../../compiler/ir/types.ts';
import type { Ping } from '../waves/wave.ts';

/** Why a filter refused a ping; the executor turns it into the Pong. */
export interface FilterRefusal {
  readonly status: 401 | 403 | 429;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets, one per (route, `(limit)` filter of it, sender). A bucket holds `count` tokens and refills
 * `count` every `perMs`, continuously; a ping takes one. Keyed by route object, so a reloaded route table
 * starts with full buckets, and each route of a block has its own budget.
 */
export class RateLimits {
  private readonly buckets = new WeakMap<IrRoute, Map<string, Bucket>>();
  /** Senders idle long enough to be full again are forgotten once a table holds this many. */
  private static readonly SWEEP_AT = 10_000;

  /** Take a token; undefined when there was one, else the milliseconds until there will be. */
  take(route: IrRoute, index: number, filter: { count: number; perMs: number }, sender: string, now: number): number | undefined {
    let table = this.buckets.get(route);
    if (!table) this.buckets.set(route, (table = new Map()));
    const key = `${index}\u0000${sender}`;
    const rate = filter.count / filter.perMs;
    let bucket = table.get(key);
    if (!bucket) {
      if (table.size >= RateLimits.SWEEP_AT) sweep(table, now, rate, filter.count);
      table.set(key, (bucket = { tokens: filter.count, at: now }));
    } else {
      bucket.tokens = Math.min(filter.count, bucket.tokens + Math.max(0, now - bucket.at) * rate);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.ceil((1 - bucket.tokens) / rate);
  }
}

function sweep(table: Map<string, Bucket>, now: number, rate: number, count: number): void {
  for (const [key, b] of table) if (b.tokens + (now - b.at) * rate >= count) table.delete(key);
}

/** Run the admission filters (`auth`, `limit`) in order; the first refusal wins. */
export function admit(route: IrRoute, ping: Ping, limits: RateLimits, now: number): FilterRefusal | undefined {
  for (let i = 0; i < route.filters.length; i++) {
    const filter = route.filters[i]!;
    switch (filter.name) {
      case 'auth':
        if (!ping.agent) return { status: 401, message: 'authentication required' };
        if (filter.role !== undefined && !ping.agent.roles.includes(filter.role)) {
          return { status: 403, message: `the role \`${filter.role}\` is required` };
        }
        break;
      case 'limit': {
        const wait = limits.take(route, i, filter, ping.from, now);
        if (wait !== undefined) {
          return {
            status: 429,
            message: `rate limit of ${filter.count} per ${filter.perMs} ms exceeded`,
            headers: { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) },
          };
        }
        break;
      }
      case 'timeout':
        break;
    }
  }
  return undefined;
}

/** The tightest `(timeout)` of every level, in milliseconds, or undefined when there is none. */
export function deadlineMs(filters: readonly IrFilter[]): number | undefined {
  let ms: number | undefined;
  for (const f of filters) if (f.name === 'timeout') ms = ms === undefined ? f.timeoutMs : Math.min(ms, f.timeoutMs);
  return ms;
}
