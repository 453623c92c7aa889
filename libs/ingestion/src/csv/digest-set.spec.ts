import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DigestSet } from './digest-set.js';

/** A binary COPY stream of one uuid column, as PostgreSQL writes it. */
function binaryCopy(digests: Buffer[], trailer = true): Buffer {
  const header = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
  const rows = digests.map((d) => {
    const row = Buffer.alloc(6);
    row.writeInt16BE(1, 0);
    row.writeInt32BE(16, 2);
    return Buffer.concat([row, d]);
  });
  const end = Buffer.alloc(2);
  end.writeInt16BE(-1, 0);
  return Buffer.concat([header, ...rows, ...(trailer ? [end] : [])]);
}

/** The bytes in chunks of 1 to 29 bytes, so rows and the header split everywhere. */
function chunked(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0, n = 1; at < bytes.length; at += n, n = (n % 29) + 1)
    chunks.push(bytes.subarray(at, at + n));
  return Readable.from(chunks);
}

describe('DigestSet', () => {
  it('holds what was added through many growths, and nothing else', () => {
    const set = new DigestSet();
    const held = Array.from({ length: 20_000 }, () => randomBytes(16));
    for (const d of held) set.addBytes(d, 0);
    for (const d of held) set.addBytes(d, 0); // twice: still one each
    expect(set.size).toBe(20_000);
    expect(held.every((d) => set.has(d))).toBe(true);
    const others = Array.from({ length: 20_000 }, () => randomBytes(16));
    expect(others.filter((d) => set.has(d))).toEqual([]);
    // one word different is another digest
    const near = Buffer.from(held[0]!);
    near[15] ^= 1;
    expect(set.has(near)).toBe(false);
  });

  it('never holds the all-zero digest (the empty slot)', () => {
    const set = new DigestSet();
    set.addBytes(Buffer.alloc(16), 0);
    expect([set.size, set.has(Buffer.alloc(16))]).toEqual([0, false]);
  });

  it('reads a binary COPY stream split at any byte', async () => {
    const digests = Array.from({ length: 5_000 }, () => randomBytes(16));
    const set = await DigestSet.fromBinaryCopy(chunked(binaryCopy(digests)), 100);
    expect(set.size).toBe(5_000);
    expect(digests.every((d) => set.has(d))).toBe(true);
  });

  it('refuses a stream that ends early or is not one uuid a row', async () => {
    await expect(DigestSet.fromBinaryCopy(chunked(binaryCopy([randomBytes(16)], false)))).rejects.toThrow(
      'ended early',
    );
    await expect(DigestSet.fromBinaryCopy(Readable.from([Buffer.from('a,b\n1,2\n')]))).rejects.toThrow(
      'not a binary COPY stream',
    );
  });
});
