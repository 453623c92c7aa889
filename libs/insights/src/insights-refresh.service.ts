import { Injectable } from '@nestjs/common';
import type { Actor } from '#libs/audit';
import { ALLERGIES } from '#libs/calculator';
import { MatchCoverageService } from '#libs/customers';
import type { VendorId } from '#libs/db';
import { BenchmarksRepository } from './benchmarks.repository.js';
import { CatalogueAnalyticsRepository } from './catalogue-analytics.repository.js';
import { DirectoryStatsRepository } from './directory-stats.repository.js';
import { COVERAGE_THRESHOLD } from './insights.types.js';

/**
 * Derives what the directory, benchmarks and analytics serve — in jobs, never per request: a
 * vendor's catalogue figures and analytics (after its ingests, product changes, rule changes and
 * hourly), and the cross-vendor benchmarks. Each step recomputes from the data, so a repeat is
 * harmless.
 */
@Injectable()
export class InsightsRefreshService {
  constructor(
    private readonly stats: DirectoryStatsRepository,
    private readonly analytics: CatalogueAnalyticsRepository,
    private readonly benchmarks: BenchmarksRepository,
    private readonly coverage: MatchCoverageService,
  ) {}

  /** The vendor's public figures and its private analytics (the health read is audited as `actor`). */
  async refreshVendor(actor: Actor, vendorId: VendorId): Promise<void> {
    await this.stats.refresh(vendorId, ALLERGIES.values);
    const figures = await this.analytics.productFigures(vendorId);
    const coverage = await this.coverage.coverage(actor, vendorId, COVERAGE_THRESHOLD);
    await this.analytics.save(vendorId, { ...figures, coverage });
  }

  /** Rebuilds every category's benchmarks; returns the rows written. */
  rebuildBenchmarks(): Promise<number> {
    return this.benchmarks.rebuild();
  }

  activeVendors(): Promise<VendorId[]> {
    return this.stats.activeVendorIds();
  }
}
