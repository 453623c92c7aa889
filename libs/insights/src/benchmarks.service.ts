import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { NotFound } from '#libs/common';
import { ReplicaReader, freshnessOf } from '#libs/db';
import { BenchmarksRepository } from './benchmarks.repository.js';
import { METRIC_UNITS, NO_CURRENCY, type BenchmarkMetric } from './insights.types.js';
import type { BenchmarksView } from './insights.dto.js';

const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

/** Category benchmarks across active vendors, read from the precomputed rows (on a replica when set). */
@Injectable()
export class BenchmarksService {
  constructor(
    private readonly benchmarks: BenchmarksRepository,
    private readonly replica: ReplicaReader,
    private readonly config: AppConfig,
  ) {}

  async forCategory(
    category: string,
    metric: BenchmarkMetric | undefined,
    currency = 'USD',
  ): Promise<BenchmarksView> {
    const { result, source } = await this.replica.read((run) =>
      this.benchmarks.forCategory(run, category, currency, metric),
    );
    if (!result.length) throw new NotFound(`Benchmarks for category ${category}`, 'benchmark_not_found');
    return {
      category,
      metrics: result.map((r) => ({
        metric: r.metric,
        unit: METRIC_UNITS[r.metric],
        currency: r.currency === NO_CURRENCY ? null : r.currency,
        vendors: r.vendors,
        products: r.products,
        suppressed: r.median === null,
        p25: round(r.p25),
        median: round(r.median),
        p75: round(r.p75),
      })),
      computed_at: result.reduce<Date | null>(
        (at, r) => (at === null || r.computed_at < at ? r.computed_at : at),
        null,
      ),
      ...freshnessOf(source, this.config.search.replicaStaleAfterMs),
    };
  }
}
