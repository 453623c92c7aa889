import { toTsQuery } from './search-query.js';

describe('toTsQuery', () => {
  it('joins words with AND (or OR) and makes the last a prefix', () => {
    expect(toTsQuery('Dark Choc', 'all')).toBe('dark & choc:*');
    expect(toTsQuery('dark choc', 'any')).toBe('dark | choc:*');
  });

  it('drops operators and punctuation so no input can break the parser', () => {
    expect(toTsQuery(`salt' & !(x:* | "y")`, 'all')).toBe('salt & x & y');
    expect(toTsQuery('&|!():*', 'all')).toBeNull();
    expect(toTsQuery('', 'all')).toBeNull();
  });

  it('keeps letters of any script and caps the number of words', () => {
    expect(toTsQuery('crème brûlée', 'all')).toBe('crème & brûlée:*');
    expect(toTsQuery('a b c d e f g h i j', 'all')!.split(' & ')).toHaveLength(8);
  });

  it('does not prefix a single character', () => {
    expect(toTsQuery('vitamin c', 'all')).toBe('vitamin & c');
  });
});
