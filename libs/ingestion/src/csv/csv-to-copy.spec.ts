import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LineWarning } from '#libs/db';
import { CsvToCopy } from './csv-to-copy.js';

const warning = (code: string, reason: string): LineWarning => ({
  column: 'Allergens',
  code,
  reason,
  message: `${code}: ${reason}`,
});

describe('CsvToCopy warnings', () => {
  it('counts every warning by reason and keeps the first ones with their line', async () => {
    const toCopy = new CsvToCopy({
      fieldCount: 2,
      columns: [0, 1],
      keptWarnings: 3,
      // "x" cells are unknown codes, "y" cells contradicted ones
      transform: (values) => {
        const found = [
          ...(values[1]!.includes('x') ? [warning('x', 'unknown_allergen')] : []),
          ...(values[1]!.includes('y') ? [warning('y', 'contradicted_tag')] : []),
        ];
        return found.length ? found : null;
      },
    });
    toCopy.resume();
    await pipeline(
      Readable.from(['sku,allergens\n', 'A,x\n', 'B,\n', 'C,xy\n', 'D,y\n', 'E,x\n', 'bad\n']),
      toCopy,
    );
    expect(toCopy.warnings.lines).toBe(4);
    expect(toCopy.warnings.counts).toEqual({ unknown_allergen: 3, contradicted_tag: 2 });
    expect(toCopy.warnings.take().map((w) => [w.line, w.code])).toEqual([
      [2, 'x'],
      [4, 'x'],
      [4, 'y'],
    ]);
    expect(toCopy.warnings.take()).toEqual([]);
  });
});
