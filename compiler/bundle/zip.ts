// A minimal ZIP writer for bundle archives (`starc build --zip`, read by `publish`): deflated entries, UTF-8
// names, a fixed timestamp so that the same folder always gives the same bytes. No ZIP64: a bundle is small,
// and an archive past 4 GiB or 65535 entries is refused.

import { deflateRawSync } from 'node:zlib';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  /** `/`-separated, relative, no leading `/`. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE), by node:zlib when it has it (Node ≥ 20.15), else by table. */
export function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(bytes) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00, the earliest DOS date: archives are reproducible. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const UTF8_FLAG = 0x0800;

/** The bytes of a ZIP archive holding `entries` in the given order. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new Error('too many files for a ZIP archive without ZIP64');
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.path, 'utf8');
    const deflated = deflateRawSync(entry.bytes);
    // Store what deflate cannot shrink (wasm and images often).
    const method = deflated.length < entry.bytes.length ? 8 : 0;
    const data = method === 8 ? deflated : entry.bytes;
    const crc = crc32(entry.bytes);
    if (offset + data.length > 0xffffffff) throw new Error('bundle too large for a ZIP archive without ZIP64');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    const shared = { method, crc, compressed: data.length, size: entry.bytes.length, nameLength: name.length };
    writeSharedFields(local, 4, shared);
    local.writeUInt16LE(0, 28);
    chunks.push(local, name, data);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    writeSharedFields(header, 6, shared);
    // extra length, comment length, disk number, internal attributes: 0
    header.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

/**
 * The entries of a ZIP archive (stored or deflated, no ZIP64, no encryption): enough to read what `writeZip`
 * and common zip tools write, for `publish`. Returns a reason instead of entries when it cannot.
 */
export function readZip(archive: Uint8Array): { entries: ZipEntry[] } | { problem: string } {
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return { problem: 'not a ZIP archive (no end of central directory)' };
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return { problem: `corrupt central directory entry ${k + 1}` };
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const crc = buf.readUInt32LE(at + 16);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localAt = buf.readUInt32LE(at + 42);
    const path = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue; // a folder entry
    if (flags & 1) return { problem: `\`${path}\` is encrypted` };
    if (localAt + 30 > buf.length || buf.readUInt32LE(localAt) !== 0x04034b50) return { problem: `corrupt local header of \`${path}\`` };
    const dataAt = localAt + 30 + buf.readUInt16LE(localAt + 26) + buf.readUInt16LE(localAt + 28);
    const data = buf.subarray(dataAt, dataAt + compressed);
    let bytes: Uint8Array;
    if (method === 0) bytes = data;
    else if (method === 8) {
      try {
        bytes = zlib.inflateRawSync(data);
      } catch {
        return { problem: `\`${path}\` does not inflate` };
      }
    } else return { problem: `\`${path}\` uses compression method ${method} (only stored and deflate are read)` };
    if (bytes.length !== size || crc32(bytes) !== crc) return { problem: `\`${path}\` fails its CRC check` };
    entries.push({ path, bytes });
  }
  return { entries };
}

/**
 * The 24 bytes a local header and its central directory entry share, in the same order (from "version needed"
 * to "file name length"); they start at byte 4 of the one and byte 6 of the other.
 */
function writeSharedFields(
  buf: Buffer,
  at: number,
  f: { readonly method: number; readonly crc: number; readonly compressed: number; readonly size: number; readonly nameLength: number },
): void {
  buf.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
  buf.writeUInt16LE(UTF8_FLAG, at + 2);
  buf.writeUInt16LE(f.method, at + 4);
  buf.writeUInt16LE(DOS_TIME, at + 6);
  buf.writeUInt16LE(DOS_DATE, at + 8);
  buf.writeUInt32LE(f.crc, at + 10);
  buf.writeUInt32LE(f.compressed, at + 14);
  buf.writeUInt32LE(f.size, at + 18);
  buf.writeUInt16LE(f.nameLength, at + 22);
}
