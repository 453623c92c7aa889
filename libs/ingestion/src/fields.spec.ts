import { mapHeaders, MappingError } from './fields.js';

describe('mapHeaders', () => {
  it('maps exact names and synonyms, ignoring case, spaces, underscores and hyphens', () => {
    const m = mapHeaders('products', ['SKU', 'Product Name', 'Protein_G', 'kcal', 'Shelf'], {});
    expect(m.used.map((u) => [u.header, u.field.field])).toEqual([
      ['SKU', 'external_id'],
      ['Product Name', 'name'],
      ['Protein_G', 'protein_g'],
      ['kcal', 'calories'],
    ]);
    expect(m.ignored).toEqual(['Shelf']);
  });

  it('lets the explicit mapping win over names and synonyms', () => {
    const m = mapHeaders('products', ['id', 'Title', 'code'], { code: 'external_id', id: 'gtin' });
    expect(m.used.map((u) => [u.header, u.field.field])).toEqual([
      ['id', 'gtin'],
      ['Title', 'name'],
      ['code', 'external_id'],
    ]);
  });

  it('fails on a missing required column, two columns for one field, or a mapping of an absent header', () => {
    expect(() => mapHeaders('products', ['sku', 'brand'])).toThrow(
      new MappingError('missing required column: name (found: sku, brand)'),
    );
    expect(() => mapHeaders('products', ['sku', 'name', 'title'])).toThrow(
      /columns "name" and "title" both map to name/,
    );
    expect(() => mapHeaders('products', ['sku', 'price', 'price_cents'])).toThrow(/both map to price_cents/);
    expect(() => mapHeaders('products', ['sku', 'name'], { Cost: 'price' })).toThrow(
      /names a column "Cost" that the file does not have/,
    );
    expect(() => mapHeaders('customers', ['email'])).toThrow(/missing required column: external_id/);
  });
});
