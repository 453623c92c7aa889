import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SaveProgressDto } from './calculator.dto.js';
import { QUESTIONS } from './questions.js';

/** The questions schema and the validators come from the same constants: prove they agree. */
describe('questions schema', () => {
  const errorsFor = (body: Record<string, unknown>) =>
    validateSync(plainToInstance(SaveProgressDto, body), { whitelist: true, forbidNonWhitelisted: true }).map(
      (e) => e.property,
    );

  const fields = QUESTIONS.flatMap((s) => s.fields);

  it('names only fields the validators know', () => {
    for (const f of fields) {
      const sample = f.choices
        ? f.type === 'multi_enum'
          ? [f.choices[0]!.value]
          : f.choices[0]!.value
        : f.type === 'email'
          ? 'a@b.co'
          : (f.min ?? 'text');
      expect({ field: f.name, errors: errorsFor({ [f.name]: sample }) }).toEqual({
        field: f.name,
        errors: [],
      });
    }
  });

  it('every advertised choice is accepted and anything else refused', () => {
    for (const f of fields.filter((x) => x.choices)) {
      for (const c of f.choices!)
        expect(errorsFor({ [f.name]: f.type === 'multi_enum' ? [c.value] : c.value })).toEqual([]);
      expect(errorsFor({ [f.name]: f.type === 'multi_enum' ? ['nope'] : 'nope' })).toEqual([f.name]);
    }
  });

  it('advertised bounds are the validators’ bounds', () => {
    for (const f of fields.filter((x) => x.min !== undefined)) {
      expect(errorsFor({ [f.name]: f.min })).toEqual([]);
      expect(errorsFor({ [f.name]: f.max })).toEqual([]);
      expect(errorsFor({ [f.name]: f.max! + 1 })).toEqual([f.name]);
      expect(errorsFor({ [f.name]: f.min! - 1 })).toEqual([f.name]);
    }
    for (const f of fields.filter((x) => x.max_length !== undefined && x.type === 'text')) {
      expect(errorsFor({ [f.name]: 'x'.repeat(f.max_length!) })).toEqual([]);
      expect(errorsFor({ [f.name]: 'x'.repeat(f.max_length! + 1) })).toEqual([f.name]);
    }
  });
});
