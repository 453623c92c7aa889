import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { NotFound } from '#libs/common';
import { ReplicaReader, freshnessOf, type VendorId } from '#libs/db';
import { CatalogueAnalyticsRepository } from './catalogue-analytics.repository.js';
import type { CatalogueAnalyticsView } from './insights.dto.js';

/** A vendor's catalogue analytics: the stored result of the last refresh (on a replica when set). */
@Injectable()
export class CatalogueAnalyticsService {
  constructor(
    private readonly analytics: CatalogueAnalyticsRepository,
    private readonly replica: ReplicaReader,
    private readonly config: AppConfig,
  ) {}

  async get(vendorId: VendorId): Promise<CatalogueAnalyticsView> {
    const { result: a, source } = await this.replica.read((run) => this.analytics.find(run, vendorId));
    if (!a)
      throw new NotFound(
        'Catalogue analytics (computed after the next ingest, or within the hour)',
        'analytics_not_ready',
      );
    return {
      products: a.products,
      customers: a.customers,
      data_quality: a.data_quality,
      tag_coverage: a.tag_coverage,
      match_coverage: a.match_coverage,
      computed_at: a.computed_at,
      ...freshnessOf(source, this.config.search.replicaStaleAfterMs),
    };
  }
}
