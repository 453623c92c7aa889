import { nullableEnums } from './operations.js';

describe('nullableEnums', () => {
  it('adds null to a nullable enum without touching the array other schemas (and validators) share', () => {
    const shared = ['keto', 'paleo'];
    const schemas = {
      Nullable: { type: 'string', nullable: true, enum: shared },
      Plain: { type: 'string', enum: shared },
    };
    nullableEnums(schemas);
    expect(schemas.Nullable.enum).toEqual(['keto', 'paleo', null]);
    expect(schemas.Plain.enum).toEqual(['keto', 'paleo']);
    expect(shared).toEqual(['keto', 'paleo']);
  });
});
