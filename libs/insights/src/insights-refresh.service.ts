import { Injectable } from '@nestjs/common';
import type { Actor } from '#libs/audit';
import { ALLERGIES } from '#libs/calculator';
import { MatchCoverageService } from '#libs/customers';
import type { VendorId } from '#libs/db';
import { BenchmarksRepository } from './benchmarks.repository.js';
import { CatalogueAnalyticsRepository } from './catalogue-analytics.repository.js';
import { DirectoryStatsRepository } from './directory-stats.repository.js';
import { FigureCountsRepository, type FigureChange } from './figure-counts.repository.js';
import { COVERAGE_THRESHOLD } from './insights.types.js';

/** What the counts are read through: the calculator's common allergens. */
const BASIS = { allergens: ALLERGIES.values };

/**
 * Derives what the directory, benchmarks and analytics serve — in jobs, never per request. A
 * vendor's figures follow its catalogue through counts per category: a refresh folds in the rows
 * changed since the last one (work in proportion to the change), a rebuild counts the catalogue
 * again (after a first load, when what the counts are read through changed, and daily as a
 * check). The figures are then composed from the counts (a few rows per category), and the
 * benchmarks from each vendor's medians. Each step is idempotent, so a repeat is harmless.
 */
@Injectable()
export class InsightsRefreshService {
  constructor(
    private readonly counts: FigureCountsRepository,
    private readonly stats: DirectoryStatsRepository,
    private readonly analytics: CatalogueAnalyticsRepository,
    private readonly benchmarks: BenchmarksRepository,
    private readonly coverage: MatchCoverageService,
  ) {}

  /**
   * Folds the vendor's changes into its counts (or rebuilds them, when they were never built or
   * on another basis), then its public figures and private analytics (the health read is audited
   * as `actor`).
   */
  async refreshVendor(actor: Actor, vendorId: VendorId): Promise<FigureChange & { rebuilt: boolean }> {
    const current = (await this.counts.basis(vendorId)) === this.counts.basisOf(BASIS);
    const change = current
      ? await this.counts.fold(vendorId, BASIS)
      : await this.counts.rebuild(vendorId, BASIS);
    await this.compose(actor, vendorId);
    return { ...change, rebuilt: !current };
  }

  /** Counts the vendor's catalogue again (drift: count rows the stored ones had wrong), then composes. */
  async rebuildVendor(actor: Actor, vendorId: VendorId): Promise<FigureChange> {
    const change = await this.counts.rebuild(vendorId, BASIS);
    await this.compose(actor, vendorId);
    return change;
  }

  /** Rebuilds every category's benchmarks from the vendors' medians; returns the rows written. */
  rebuildBenchmarks(): Promise<number> {
    return this.benchmarks.rebuild();
  }

  /** Drops what deleted vendors left in the change log (the daily check's housekeeping). */
  forgetDeletedVendors(): Promise<number> {
    return this.counts.forgetDeletedVendors();
  }

  activeVendors(): Promise<VendorId[]> {
    return this.stats.activeVendorIds();
  }

  private async compose(actor: Actor, vendorId: VendorId): Promise<void> {
    await this.stats.refresh(vendorId, ALLERGIES.values);
    const figures = await this.analytics.productFigures(vendorId);
    const coverage = await this.coverage.coverage(actor, vendorId, COVERAGE_THRESHOLD);
    await this.analytics.save(vendorId, { ...figures, coverage });
  }
}
