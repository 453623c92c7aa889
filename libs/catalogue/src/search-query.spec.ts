import { allergenExclusionQuery, toTsQuery, wholeWordsOf } from './search-query.js';

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

describe('allergenExclusionQuery', () => {
  it("negates each code's lexeme, quoted as tsquery text quotes", () => {
    expect(allergenExclusionQuery(['peanuts', 'tree_nuts'])).toBe("!'~peanuts' & !'~tree_nuts'");
    expect(allergenExclusionQuery(["cow's", 'a\\b'])).toBe("!'~cow''s' & !'~a\\\\b'");
  });

  it('leaves out what the index leaves out, and is null when nothing is left', () => {
    expect(allergenExclusionQuery(['', 'x'.repeat(1001), 'milk'])).toBe("!'~milk'");
    expect(allergenExclusionQuery([''])).toBeNull();
    expect(allergenExclusionQuery([])).toBeNull();
  });
});

describe('wholeWordsOf', () => {
  it('keeps the whole words of a conjunction that ends in a prefix', () => {
    expect(wholeWordsOf(toTsQuery('oat milk', 'all')!)).toBe('oat');
    expect(wholeWordsOf(toTsQuery('dark chocolate ba', 'all')!)).toBe('dark & chocolate');
    expect(wholeWordsOf("'dark':* & 'choc':*")).toBeNull();
    expect(wholeWordsOf("'dark' & 'choc':*")).toBe("'dark'");
  });

  it('has nothing to give a single word, a query without prefixes or anything but a conjunction', () => {
    expect(wholeWordsOf(toTsQuery('milk', 'all')!)).toBeNull();
    expect(wholeWordsOf(toTsQuery('vitamin c', 'all')!)).toBeNull();
    expect(wholeWordsOf(toTsQuery('oat milk', 'any')!)).toBeNull();
    expect(wholeWordsOf('oat & !milk:*')).toBeNull();
    expect(wholeWordsOf('oat <-> milk:*')).toBeNull();
  });
});
