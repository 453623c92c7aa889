import type { Readable } from 'node:stream';

/** The signature opening PostgreSQL's binary COPY format (11 bytes; then flags and an extension length). */
const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * A set of 128-bit line digests held in memory while a file is read: the digests a vendor's live
 * rows were written from, so a re-ingest knows a line is unchanged without staging it. An
 * open-addressing table of 16-byte slots (four 32-bit words; all zero marks an empty slot, so the
 * all-zero digest is never held — a line with it is simply not recognised), at most 70 % full:
 * 23–46 bytes a digest (1 M digests: 32 MB). Digests are SHA-1 prefixes, so their first word
 * is already a uniform hash.
 */
export class DigestSet {
  private words: Uint32Array;
  private mask: number;
  size = 0;

  constructor(expected = 0) {
    let slots = 16;
    while (slots * 0.7 < expected) slots *= 2;
    this.words = new Uint32Array(slots * 4);
    this.mask = slots - 1;
  }

  /** Adds the 16 bytes at `offset` of `buf`. */
  addBytes(buf: Buffer, offset: number): void {
    this.add(
      buf.readUInt32BE(offset),
      buf.readUInt32BE(offset + 4),
      buf.readUInt32BE(offset + 8),
      buf.readUInt32BE(offset + 12),
    );
  }

  /** Whether the digest in the first 16 bytes of `bytes` is held. */
  has(bytes: Buffer): boolean {
    return (
      this.find(
        bytes.readUInt32BE(0),
        bytes.readUInt32BE(4),
        bytes.readUInt32BE(8),
        bytes.readUInt32BE(12),
      ) >= 0
    );
  }

  private add(a: number, b: number, c: number, d: number): void {
    if ((a | b | c | d) === 0 || this.find(a, b, c, d) >= 0) return;
    if (this.size + 1 > (this.mask + 1) * 0.7) this.grow();
    this.place(a, b, c, d);
    this.size++;
  }

  /** The slot holding the digest, or -1. */
  private find(a: number, b: number, c: number, d: number): number {
    if ((a | b | c | d) === 0) return -1;
    const w = this.words;
    for (let slot = a & this.mask; ; slot = (slot + 1) & this.mask) {
      const i = slot * 4;
      if (w[i] === a && w[i + 1] === b && w[i + 2] === c && w[i + 3] === d) return slot;
      if ((w[i]! | w[i + 1]! | w[i + 2]! | w[i + 3]!) === 0) return -1;
    }
  }

  private place(a: number, b: number, c: number, d: number): void {
    const w = this.words;
    let slot = a & this.mask;
    while ((w[slot * 4]! | w[slot * 4 + 1]! | w[slot * 4 + 2]! | w[slot * 4 + 3]!) !== 0)
      slot = (slot + 1) & this.mask;
    const i = slot * 4;
    w[i] = a;
    w[i + 1] = b;
    w[i + 2] = c;
    w[i + 3] = d;
  }

  private grow(): void {
    const old = this.words;
    this.words = new Uint32Array(old.length * 2);
    this.mask = old.length / 2 - 1;
    for (let i = 0; i < old.length; i += 4)
      if ((old[i]! | old[i + 1]! | old[i + 2]! | old[i + 3]!) !== 0)
        this.place(old[i]!, old[i + 1]!, old[i + 2]!, old[i + 3]!);
  }

  /**
   * Reads a binary COPY of one non-null uuid column (`COPY (SELECT digest …) TO STDOUT (FORMAT
   * binary)`) into a set sized for `expected` digests (it grows past them).
   */
  static async fromBinaryCopy(source: Readable, expected = 0): Promise<DigestSet> {
    const set = new DigestSet(expected);
    let carry: Buffer = Buffer.alloc(0);
    let headerRead = false;
    let ended = false;
    for await (const chunk of source) {
      const buf: Buffer = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      let at = 0;
      if (!headerRead) {
        const seen = Math.min(buf.length, BINARY_SIGNATURE.length);
        if (!buf.subarray(0, seen).equals(BINARY_SIGNATURE.subarray(0, seen)))
          throw new Error('not a binary COPY stream');
        if (buf.length < BINARY_SIGNATURE.length + 8) {
          carry = buf;
          continue;
        }
        at = BINARY_SIGNATURE.length + 8 + buf.readUInt32BE(BINARY_SIGNATURE.length + 4);
        headerRead = true;
      }
      while (!ended && buf.length - at >= 2) {
        const fields = buf.readInt16BE(at);
        if (fields === -1) {
          ended = true;
          break;
        }
        if (fields !== 1) throw new Error(`expected one column per row, found ${fields}`);
        if (buf.length - at < 22) break;
        if (buf.readInt32BE(at + 2) !== 16) throw new Error('expected a 16-byte uuid in each row');
        set.addBytes(buf, at + 6);
        at += 22;
      }
      carry = buf.subarray(at);
    }
    if (!headerRead) throw new Error('not a binary COPY stream');
    if (!ended) throw new Error('the binary COPY stream ended early');
    return set;
  }
}
