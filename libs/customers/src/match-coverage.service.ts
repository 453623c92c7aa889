import { Injectable } from '@nestjs/common';
import type { Actor } from '#libs/audit';
import type { VendorId } from '#libs/common';
import { HealthProfileService } from './health-profile.service.js';
import { MatchesRepository } from './matches.repository.js';
import { matchCriteria } from './matching.js';

export interface CoverageFigure {
  customers: number;
  /** Customers with at least `threshold` safe products. */
  covered: number;
  /** covered / customers (0 when there are none). */
  share: number;
}

export interface MatchCoverage extends CoverageFigure {
  threshold: number;
  /** Per condition (a customer with two conditions counts in both); `null`: customers with none. */
  by_condition: (CoverageFigure & { condition: string | null })[];
}

const figure = (customers: number, covered: number): CoverageFigure => ({
  customers,
  covered,
  share: customers ? Math.round((covered / customers) * 10_000) / 10_000 : 0,
});

/**
 * How many of a vendor's customers have at least `threshold` safe products — the same hard
 * constraints as their matches (matchCriteria + safeProductsSql) — in total and by condition. One
 * count per group of customers who share what decides safety, not one per customer.
 */
@Injectable()
export class MatchCoverageService {
  constructor(
    private readonly health: HealthProfileService,
    private readonly matches: MatchesRepository,
  ) {}

  async coverage(actor: Actor, vendorId: VendorId, threshold: number): Promise<MatchCoverage> {
    const groups = await this.health.aggregate(actor, vendorId);
    const byCondition = new Map<string | null, { customers: number; covered: number }>();
    let customers = 0;
    let covered = 0;
    for (const g of groups) {
      const safe = await this.matches.countSafe(vendorId, matchCriteria({ ...g, goals: [] }), threshold);
      const ok = safe >= threshold ? g.customers : 0;
      customers += g.customers;
      covered += ok;
      for (const condition of g.conditions.length ? [...new Set(g.conditions)] : [null]) {
        const c = byCondition.get(condition) ?? { customers: 0, covered: 0 };
        c.customers += g.customers;
        c.covered += ok;
        byCondition.set(condition, c);
      }
    }
    return {
      threshold,
      ...figure(customers, covered),
      by_condition: [...byCondition.entries()]
        .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
        .map(([condition, c]) => ({ condition, ...figure(c.customers, c.covered) })),
    };
  }
}
