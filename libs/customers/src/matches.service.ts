import { Injectable } from '@nestjs/common';
import type { Actor } from '#libs/audit';
import { AppConfig } from '#libs/config';
import { NotFound, decodeCursor, encodeCursor, type VendorId } from '#libs/common';
import { HealthProfileService } from './health-profile.service.js';
import { MatchesRepository } from './matches.repository.js';
import { fitScore, matchCriteria, matchReasons, type CandidateProduct } from './matching.js';

type Cursor = { s: number; i: string };
const isCursor = (v: unknown): v is Cursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Cursor).s === 'number' &&
  /^[0-9a-f-]{36}$/.test(String((v as Cursor).i));

export interface MatchView {
  product: Omit<CandidateProduct, never>;
  score: number;
  reasons: string[];
}

@Injectable()
export class MatchesService {
  constructor(
    private readonly health: HealthProfileService,
    private readonly matches: MatchesRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * Products for a customer: none of their allergens, their dietary preferences and required tags
   * present, excluded tags absent, every limited nutrient within the per-meal share of the derived
   * daily limit — ranked by fit with the reasons. The profile read is audited (`…matches`).
   */
  async forCustomer(
    actor: Actor,
    vendorId: VendorId,
    customerId: string,
    q: { limit?: number; category?: string; cursor?: string },
  ): Promise<{ data: MatchView[]; next_cursor: string | null; ordering: string; candidates: number }> {
    const profile = await this.health.read(actor, vendorId, customerId, 'matches');
    if (!profile) throw new NotFound('Health profile', 'health_profile_not_found');
    const limit = q.limit ?? 20;
    const after = decodeCursor(q.cursor, isCursor);
    const criteria = matchCriteria(profile);
    const candidates = await this.matches.candidates(
      vendorId,
      criteria,
      q.category ?? null,
      this.config.search.matchCandidates,
    );
    const ranked = candidates
      .map((p) => ({ p, score: fitScore(p, criteria) }))
      .sort((a, b) => b.score - a.score || (a.p.id < b.p.id ? -1 : 1));
    const start = after
      ? ranked.findIndex((r) => r.score < after.s || (r.score === after.s && r.p.id > after.i))
      : 0;
    const page = start < 0 ? [] : ranked.slice(start, start + limit);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => ({ product: r.p, score: r.score, reasons: matchReasons(r.p, criteria) })),
      next_cursor:
        last && start + limit < ranked.length ? encodeCursor({ s: last.score, i: last.p.id }) : null,
      ordering: criteria.ordering,
      candidates: ranked.length,
    };
  }
}
