import { BEST_FOR_DIETS } from '#libs/vendors';
import { DIET_TYPE } from './fields.js';

describe('diet types', () => {
  it("a vendor's best_for (a CHECK in the schema) allows exactly the calculator's diet types", () => {
    expect([...BEST_FOR_DIETS]).toEqual(DIET_TYPE.values);
  });
});
