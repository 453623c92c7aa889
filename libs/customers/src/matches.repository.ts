import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GenerateSql, rowsOf } from '#libs/db';
import { NUTRIENTS } from '#libs/catalogue';
import type { CandidateProduct, GoalOrdering, MatchCriteria } from './matching.js';

/** Orderings, verbatim as indexed in migrations/1795219700000-matches.ts (id last, ascending). */
export const ORDERINGS: Record<GoalOrdering, string> = {
  protein_density: `(coalesce(p.protein_g, 0) * 100 / greatest(coalesce(p.calories, 0), 1)) DESC, p.id`,
  satiety: `((coalesce(p.protein_g, 0) + coalesce(p.fiber_g, 0)) * 100 / greatest(coalesce(p.calories, 0), 1)) DESC, p.id`,
  low_sugar: `(coalesce(p.sugar_g, 1000)), p.id`,
  heart: `(coalesce(p.saturated_fat_g, 100) * 100 + coalesce(p.sodium_mg, 10000) / 10), p.id`,
};

const COLUMNS = `p.id, p.external_id, p.name, p.brand, p.category, p.price_cents, p.currency, p.dietary_tags,
  p.allergens, ${NUTRIENTS.map((n) => `p.${n}`).join(', ')}, p.serving_size_g`;

/** The hard constraints as SQL: $1 vendor, $2 category, $3 allergens, $4 required tags, $5 excluded tags, $6… limits. */
export function safeProductsSql(c: MatchCriteria): { where: string; params: (limits: number) => unknown[] } {
  const limited = Object.keys(c.perMealLimits).filter((n) => (NUTRIENTS as readonly string[]).includes(n));
  const where = [
    `p.vendor_id = $1`,
    `($2::text IS NULL OR p.category = $2)`,
    `NOT (p.allergens && $3::text[])`,
    `p.dietary_tags @> $4::text[]`,
    `NOT (p.dietary_tags && $5::text[])`,
    ...limited.map((n, i) => `p.${n} <= $${6 + i}::real`),
  ].join('\n   AND ');
  return {
    where,
    params: () => limited.map((n) => c.perMealLimits[n as keyof typeof c.perMealLimits]),
  };
}

/** A customer with a nut allergy, a vegetarian rule and sodium and sugar limits (the SQL snapshots'). */
const EXAMPLE_CRITERIA: MatchCriteria = {
  allergies: ['tree_nuts'],
  ruleAllergens: [],
  excludeAllergens: ['almond', 'tree_nuts'],
  requireTags: ['vegetarian'],
  excludeTags: [],
  perMealLimits: { sodium_mg: 766.667, sugar_g: 8.333 },
  ordering: 'heart',
};

@Injectable()
export class MatchesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Safe products walked best-first along the customer's goal ordering, at most `window`: the
   * index on (vendor_id, ordering, id) lets Postgres stop as soon as it has them.
   */
  @GenerateSql({
    name: 'heart',
    params: ['00000000-0000-4000-8000-00000000000a', EXAMPLE_CRITERIA, 'snacks', 200],
  })
  candidates(
    vendorId: VendorId,
    c: MatchCriteria,
    category: string | null,
    window: number,
  ): Promise<CandidateProduct[]> {
    const { where, params } = safeProductsSql(c);
    const limits = params(0);
    return rowsOf<CandidateProduct>(
      this.db,
      `SELECT ${COLUMNS} FROM catalogue_products p
        WHERE ${where}
        ORDER BY ${ORDERINGS[c.ordering]}
        LIMIT $${6 + limits.length}`,
      [vendorId, category, c.excludeAllergens, c.requireTags, c.excludeTags, ...limits, window],
    );
  }

  /** How many products are safe for the criteria, counting no further than `cap`. */
  @GenerateSql({ name: 'heart', params: ['00000000-0000-4000-8000-00000000000a', EXAMPLE_CRITERIA, 1000] })
  async countSafe(vendorId: VendorId, c: MatchCriteria, cap: number): Promise<number> {
    const { where, params } = safeProductsSql(c);
    const limits = params(0);
    const rows = await rowsOf<{ n: number }>(
      this.db,
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM catalogue_products p WHERE ${where} LIMIT $${6 + limits.length}) s`,
      [vendorId, null, c.excludeAllergens, c.requireTags, c.excludeTags, ...limits, cap],
    );
    return rows[0]?.n ?? 0;
  }
}
