import { Logger } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { canonicalDietTags, normaliseAllergens, normaliseDietTags } from '#libs/food-vocabulary';

/**
 * Stored allergen and diet-tag codes to the vocabulary's canonical form (libs/food-vocabulary): what
 * vendors and shoppers wrote before every entry point normalised — `dairy`, `soya`, `crustacean
 * shellfish` — read literally, made a shellfish allergy miss a product declaring crab. Products get
 * canonical allergens and diet tags (implied ones added, contradicted ones dropped); customers'
 * allergies and preferences, diet rules (and their defaults), and calculator answers get canonical
 * codes. The celiac default excludes every cereal containing gluten, not wheat alone; customers
 * whose conditions' rules changed get their derived limits again. What was rewritten is logged and
 * returned (tests read it).
 *
 * Arrays are mapped by distinct value (a catalogue holds few distinct allergen lists), then applied
 * in one joined UPDATE per table — one pass over the table, not one per distinct value.
 */
export interface CanonicalisationReport {
  products: number;
  customer_health: number;
  diet_rules: number;
  diet_rule_defaults: number;
  calculator_sessions: number;
  derived_limits_recomputed: number;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

type Policy = {
  exclude_allergens?: string[];
  require_tags?: string[];
  exclude_tags?: string[];
  [k: string]: unknown;
};

/** A rule's codes in canonical form; celiac's allergen is every cereal containing gluten. */
function canonicalPolicy(condition: string, policy: Policy): Policy {
  const allergens = normaliseAllergens(policy.exclude_allergens ?? []).codes;
  return {
    ...policy,
    ...(policy.exclude_allergens !== undefined || condition === 'celiac'
      ? {
          exclude_allergens:
            condition === 'celiac'
              ? normaliseAllergens([...allergens.filter((a) => a !== 'wheat'), 'gluten_cereals']).codes
              : allergens,
        }
      : {}),
    ...(policy.require_tags !== undefined
      ? { require_tags: canonicalDietTags(policy.require_tags).codes }
      : {}),
    ...(policy.exclude_tags !== undefined
      ? { exclude_tags: canonicalDietTags(policy.exclude_tags).codes }
      : {}),
  };
}

async function mapArrays(
  q: QueryRunner,
  table: string,
  columns: [string, string],
  rewrite: (a: string[], b: string[]) => [string[], string[]],
): Promise<number> {
  const distinct: { a: string[]; b: string[] }[] = await q.query(
    `SELECT DISTINCT ${columns[0]} AS a, ${columns[1]} AS b FROM ${table}`,
  );
  const changes = distinct
    .map(({ a, b }) => ({ a, b, to: rewrite(a, b) }))
    .filter(({ a, b, to }) => !sameList(a, to[0]) || !sameList(b, to[1]));
  if (changes.length === 0) return 0;
  const [, affected] = (await q.query(
    `UPDATE ${table} t SET ${columns[0]} = m.new_a, ${columns[1]} = m.new_b
       FROM (SELECT ARRAY(SELECT jsonb_array_elements_text(x -> 'a')) AS old_a,
                    ARRAY(SELECT jsonb_array_elements_text(x -> 'b')) AS old_b,
                    ARRAY(SELECT jsonb_array_elements_text(x -> 'na')) AS new_a,
                    ARRAY(SELECT jsonb_array_elements_text(x -> 'nb')) AS new_b
               FROM jsonb_array_elements($1::jsonb) x) m
      WHERE t.${columns[0]} = m.old_a AND t.${columns[1]} = m.old_b`,
    [JSON.stringify(changes.map((c) => ({ a: c.a, b: c.b, na: c.to[0], nb: c.to[1] })))],
  )) as [unknown, number];
  return affected;
}

export async function canonicaliseStoredCodes(q: QueryRunner): Promise<CanonicalisationReport> {
  const products = await mapArrays(q, 'products', ['allergens', 'dietary_tags'], (a, t) => {
    const allergens = normaliseAllergens(a).codes;
    return [allergens, normaliseDietTags(t, allergens).codes];
  });
  const customerHealth = await mapArrays(
    q,
    'customer_health',
    ['allergies', 'dietary_preferences'],
    (a, p) => [normaliseAllergens(a).codes, canonicalDietTags(p).codes],
  );

  let defaults = 0;
  for (const d of (await q.query(`SELECT condition_code, policy FROM diet_rule_defaults`)) as {
    condition_code: string;
    policy: Policy;
  }[]) {
    const next = canonicalPolicy(d.condition_code, d.policy);
    if (JSON.stringify(next) === JSON.stringify(d.policy)) continue;
    await q.query(
      `UPDATE diet_rule_defaults SET policy = $2,
              source = CASE WHEN $1 = 'celiac' THEN 'Celiac disease: a strict lifelong gluten-free diet — no wheat (spelt, khorasan), rye, barley or oats unless certified gluten-free (ACG clinical guideline, 2023; EU 1169/2011 Annex II 1).' ELSE source END
        WHERE condition_code = $1`,
      [d.condition_code, JSON.stringify(next)],
    );
    defaults++;
  }

  const changedRules: { vendor_id: string; condition_code: string }[] = [];
  for (const r of (await q.query(`SELECT vendor_id, condition_code, policy, is_default FROM diet_rules`)) as {
    vendor_id: string;
    condition_code: string;
    policy: Policy;
    is_default: boolean;
  }[]) {
    // a vendor's own celiac rule keeps its choice of allergens (in canonical form); the seeded default moves
    const next = r.is_default ? canonicalPolicy(r.condition_code, r.policy) : canonicalPolicy('', r.policy);
    if (JSON.stringify(next) === JSON.stringify(r.policy)) continue;
    await q.query(`UPDATE diet_rules SET policy = $3 WHERE vendor_id = $1 AND condition_code = $2`, [
      r.vendor_id,
      r.condition_code,
      JSON.stringify(next),
    ]);
    changedRules.push(r);
  }
  if (defaults > 0) {
    await q.query(
      `UPDATE diet_rules r SET source = d.source FROM diet_rule_defaults d
        WHERE r.is_default AND r.condition_code = d.condition_code AND r.condition_code = 'celiac'`,
    );
  }
  let recomputed = 0;
  if (changedRules.length) {
    const [, n] = (await q.query(
      `UPDATE customer_health h SET derived_limits = derive_limits(h.vendor_id, h.conditions), derived_at = now()
         FROM (SELECT x->>'vendor_id' AS vendor_id, x->>'condition_code' AS condition_code
                 FROM jsonb_array_elements($1::jsonb) x) c
        WHERE h.vendor_id = c.vendor_id::uuid AND c.condition_code = ANY(h.conditions)`,
      [JSON.stringify(changedRules)],
    )) as [unknown, number];
    recomputed = n;
  }

  // calculator answers: the allergies list in the answers and in the merged profile
  let sessions = 0;
  for (const key of ['answers', 'profile']) {
    const distinct: { a: string[] }[] = await q.query(
      `SELECT DISTINCT ARRAY(SELECT jsonb_array_elements_text(${key} -> 'allergies')) AS a
         FROM calculator_sessions WHERE jsonb_typeof(${key} -> 'allergies') = 'array'`,
    );
    for (const { a } of distinct) {
      const next = normaliseAllergens(a).codes;
      if (sameList(a, next)) continue;
      const [, n] = (await q.query(
        `UPDATE calculator_sessions SET ${key} = jsonb_set(${key}, '{allergies}', $2::jsonb)
          WHERE jsonb_typeof(${key} -> 'allergies') = 'array'
            AND ARRAY(SELECT jsonb_array_elements_text(${key} -> 'allergies')) = $1::text[]`,
        [a, JSON.stringify(next)],
      )) as [unknown, number];
      sessions += n;
    }
  }

  const report: CanonicalisationReport = {
    products,
    customer_health: customerHealth,
    diet_rules: changedRules.length,
    diet_rule_defaults: defaults,
    calculator_sessions: sessions,
    derived_limits_recomputed: recomputed,
  };
  if (Object.values(report).some((n) => n > 0))
    new Logger('migrations').log({ msg: 'allergen and diet-tag codes canonicalised', rewritten: report });
  return report;
}

export class CanonicalCodes1795222200000 implements MigrationInterface {
  name = 'CanonicalCodes1795222200000';

  async up(q: QueryRunner): Promise<void> {
    await canonicaliseStoredCodes(q);
  }

  async down(): Promise<void> {
    // canonical codes are what every entry point writes now: nothing to undo
  }
}
