// Copies wave data at the bus's boundary (runtime/bus/local-bus.ts): waves are plain data (strings, numbers,
// booleans, null, arrays and plain objects), and a sender and a receiver must never share an object. A
// hand-written copy of exactly that shape is an order of magnitude cheaper than `structuredClone` (which goes
// through the serializer), and it refuses what could not cross a process boundary (functions, class instances,
// symbols, bigints, cycles), so the local bus behaves like the lattice will.

const MAX_DEPTH = 256;

export class NotPlainData extends Error {}

/** A deep copy of `value`, which must be plain data; throws NotPlainData saying where it is not. */
export function copyWave<T>(value: T): T {
  return copy(value, 0, '') as T;
}

function copy(value: unknown, depth: number, path: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'undefined':
      return undefined;
    case 'object': {
      if (value === null) return null;
      if (depth >= MAX_DEPTH) throw new NotPlainData(`\`${path || '(the wave)'}\` is nested deeper than ${MAX_DEPTH} levels (or is a cycle)`);
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = copy(value[i], depth + 1, `${path}[${i}]`);
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new NotPlainData(`\`${path || '(the wave)'}\` is a ${(value as object).constructor?.name ?? 'non-plain object'}, not plain data`);
      }
      const out: Record<string, unknown> = {};
      for (const key in value as Record<string, unknown>) {
        out[key] = copy((value as Record<string, unknown>)[key], depth + 1, path ? `${path}.${key}` : key);
      }
      return out;
    }
    default:
      throw new NotPlainData(`\`${path || '(the wave)'}\` is a ${typeof value}, not plain data`);
  }
}
