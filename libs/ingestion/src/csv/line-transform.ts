import { productCodes, type CodeWarning } from '#libs/catalogue';
import { canonicalDietTags, normaliseAllergens, splitList } from '#libs/food-vocabulary';
import type { ColumnMapping, IngestMode } from '../fields.js';

/** A cell's codes: the separators a CSV list uses (`milk|soy`, `milk; soy`, `milk, soy`). */
const splitCodes = splitList;

/** One warning as errors.csv shows it: the file's header, the code, why. */
interface LineWarning {
  column: string;
  code: string;
  reason: CodeWarning['reason'];
  message: string;
}

/**
 * How a CSV line's code cells are stored: the same as an API write (canonical codes, an unknown
 * one kept in code form, diet tags' implications added and those the line's allergens contradict
 * dropped), done while the file streams into staging — a lookup per code, cheaper here than in SQL.
 * Returns undefined when the file has no code column. The warnings go to errors.csv (severity
 * `warning`) and to the job's counts.
 */
export function lineTransform(
  mode: IngestMode,
  mapping: ColumnMapping,
): ((values: string[]) => string | null) | undefined {
  const at = (column: string) => mapping.used.findIndex((u) => u.field.column === column);
  const header = (i: number) => mapping.used[i]!.header;
  const json = (warnings: LineWarning[]) => (warnings.length ? JSON.stringify(warnings) : null);
  if (mode === 'products') {
    const a = at('allergens');
    const t = at('dietary_tags');
    if (a < 0 && t < 0) return undefined;
    return (values) => {
      const codes = productCodes(a >= 0 ? splitCodes(values[a]!) : [], t >= 0 ? splitCodes(values[t]!) : []);
      if (a >= 0) values[a] = codes.allergens.join('|');
      if (t >= 0) values[t] = codes.dietary_tags.join('|');
      return json(
        codes.warnings.map((w) => ({
          column: header(w.field === 'allergens' ? a : t),
          code: w.code,
          reason: w.reason,
          message: w.message,
        })),
      );
    };
  }
  const a = at('allergies');
  const p = at('dietary_preferences');
  if (a < 0 && p < 0) return undefined;
  return (values) => {
    const warnings: LineWarning[] = [];
    if (a >= 0) {
      const allergies = normaliseAllergens(splitCodes(values[a]!));
      values[a] = allergies.codes.join('|');
      for (const code of allergies.unknown)
        warnings.push({
          column: header(a),
          code,
          reason: 'unknown_allergen',
          message: `"${code}" is not in the allergen vocabulary: kept as written, matched only by that code`,
        });
    }
    if (p >= 0) {
      const preferences = canonicalDietTags(splitCodes(values[p]!));
      values[p] = preferences.codes.join('|');
      for (const code of preferences.unknown)
        warnings.push({
          column: header(p),
          code,
          reason: 'unknown_diet_tag',
          message: `"${code}" is not in the diet-tag vocabulary: kept as written`,
        });
    }
    return json(warnings);
  };
}
