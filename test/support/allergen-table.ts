import fc from 'fast-check';
import { ALLERGEN_ENTRIES } from '#libs/food-vocabulary';

/**
 * The shared allergen test table: every place that filters by allergen (matches SQL and isSafe,
 * search exclusion, diet rules, compare fit, analytics coverage, the report composer) is checked
 * against it. Built from the vocabulary's parent links alone — an oracle independent of the code
 * under test — and sampled with random spellings on both sides: what a shopper or a diet rule says
 * (`Shellfish`, `crustacean shellfish`, `DAIRY`) and what a vendor declares (`Mud crab`? no: `crab`,
 * `Prawns`, `soya lecithin`).
 */

/** A code and everything under it, from the parent links. */
export function under(code: string): string[] {
  return [code, ...ALLERGEN_ENTRIES.filter((e) => e.parent === code).flatMap((e) => under(e.code))];
}

/** A code and the groups above it. */
export function above(code: string): string[] {
  const entry = ALLERGEN_ENTRIES.find((e) => e.code === code);
  return entry?.parent ? [code, ...above(entry.parent)] : [code];
}

/** Codes that contain others: the allergies the table is about. */
export const GROUPS = ALLERGEN_ENTRIES.filter((e) => ALLERGEN_ENTRIES.some((c) => c.parent === e.code)).map(
  (e) => e.code,
);

/** How people and systems write a code: the code, its synonyms and label, in several cases and separators. */
export function spellings(code: string): string[] {
  const e = ALLERGEN_ENTRIES.find((x) => x.code === code)!;
  return [e.code, ...e.synonyms, e.label];
}

const variant = (s: string) =>
  fc.constantFrom(
    s,
    s.toUpperCase(),
    s.replace(/_/g, ' '),
    s[0]!.toUpperCase() + s.slice(1).replace(/_/g, '-'),
  );

export const spelled = (code: string) => fc.constantFrom(...spellings(code)).chain(variant);

export interface AllergenCase {
  /** The allergy (a group) and how the customer or rule spells it. */
  group: string;
  allergy: string;
  /** A code under the group (itself, a member, a member's member) and how the vendor spells it. */
  member: string;
  declared: string;
}

/** `n` cases, every group included, sampled deterministically. */
export function allergenTable(n: number, seed = 2026): AllergenCase[] {
  const arb = fc.constantFrom(...GROUPS).chain((group) =>
    fc.record({
      group: fc.constant(group),
      allergy: spelled(group),
      member: fc.constantFrom(...under(group)),
    }),
  );
  const sampled = fc.sample(arb, { numRuns: n, seed });
  const cases = sampled.map((c, i) => ({
    ...c,
    declared: fc.sample(spelled(c.member), { numRuns: 1, seed: seed + i })[0]!,
  }));
  // every group at least once, with a member that is not itself
  for (const group of GROUPS) {
    if (!cases.some((c) => c.group === group && c.member !== group)) {
      const member = under(group)[1]!;
      cases.push({ group, allergy: group, member, declared: spellings(member).at(-1)! });
    }
  }
  return cases;
}
