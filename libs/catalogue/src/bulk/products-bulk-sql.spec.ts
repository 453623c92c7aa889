import { createHash } from 'node:crypto';
import { idSlice, skipStrategy } from './products-bulk-sql.js';

/** Evaluates idSlice's SQL for one id (uuids compare as their lower-case hex text). */
function holds(sql: string, id: string): boolean {
  if (sql === 'true') return true;
  return sql.split(' AND ').every((term) => {
    const m = /^x\.id (>=|<) '([0-9a-f-]+)'::uuid$/.exec(term);
    if (!m) throw new Error(`unexpected term ${term}`);
    return m[1] === '>=' ? id >= m[2]! : id < m[2]!;
  });
}

const asUuid = (h: string) =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;

describe('idSlice', () => {
  it('is everything for one part', () => {
    expect(idSlice(0, 1, 'x')).toBe('true');
  });

  it('splits the uuid space evenly', () => {
    expect(idSlice(0, 2, 'x')).toBe("x.id < '80000000-0000-0000-0000-000000000000'::uuid");
    expect(idSlice(1, 2, 'x')).toBe("x.id >= '80000000-0000-0000-0000-000000000000'::uuid");
    expect(idSlice(1, 4, 'x')).toBe(
      "x.id >= '40000000-0000-0000-0000-000000000000'::uuid AND x.id < '80000000-0000-0000-0000-000000000000'::uuid",
    );
  });

  it.each([2, 3, 7, 16])('puts every id in exactly one of %i parts, about evenly', (parts) => {
    const counts = new Array<number>(parts).fill(0);
    const edges = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
    // deterministic, uniformly spread ids (as uuid v5 ids are): no test that fails one run in a hundred
    const ids = [
      ...edges,
      ...Array.from({ length: 4000 }, (_, i) => asUuid(createHash('sha1').update(String(i)).digest('hex'))),
    ];
    for (const id of ids) {
      const in_ = Array.from({ length: parts }, (_, k) => holds(idSlice(k, parts, 'x'), id));
      expect(in_.filter(Boolean)).toHaveLength(1);
      counts[in_.indexOf(true)]!++;
    }
    for (const n of counts) expect(n).toBeGreaterThan((ids.length / parts) * 0.7);
  });
});

describe('skipStrategy', () => {
  it('probes per line for a small file and scans a catalogue the file covers a good share of', () => {
    expect(skipStrategy(1_000, 2_000_000)).toBe('probe');
    expect(skipStrategy(500_000, 2_000_000)).toBe('probe');
    expect(skipStrategy(1_000_000, 1_000_000)).toBe('scan');
    expect(skipStrategy(700_000, 2_000_000)).toBe('scan');
    expect(skipStrategy(10, 0)).toBe('scan'); // never analysed: nothing to probe cheaply against
  });
});
