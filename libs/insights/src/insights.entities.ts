import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VendorId } from '#libs/db';

/** The values each column's CHECK allows (the drift test compares them with the database). */
export const BENCHMARK_METRICS = [
  'price_per_100g',
  'price_per_10g_protein',
  'protein_per_100kcal',
  'sodium_per_serving',
] as const;

/** A vendor's catalogue figures for the public directory, derived by a job (never per request). */
@Entity('vendor_catalogue_stats')
export class VendorCatalogueStats {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'integer' })
  product_count!: number;

  @Column({ type: 'jsonb' })
  categories!: unknown;

  @Column({ type: 'jsonb' })
  dietary_tag_share!: unknown;

  @Column({ type: 'jsonb' })
  allergen_free_share!: unknown;

  @Column({ type: 'jsonb' })
  protein_price!: unknown;

  @Column({ type: 'jsonb' })
  diet_fit!: unknown;

  @Column({ type: 'timestamptz', nullable: true })
  catalogue_updated_at!: Date | null;

  @Column({ type: 'timestamptz' })
  computed_at!: Date;
}

/** Quartiles of one metric in one category across active vendors (NULL figures: < 3 vendors). */
@Entity('category_benchmarks')
export class CategoryBenchmark {
  @PrimaryColumn({ type: 'text' })
  category!: string;

  @PrimaryColumn({ type: 'text', enum: BENCHMARK_METRICS })
  metric!: (typeof BENCHMARK_METRICS)[number];

  @PrimaryColumn({ type: 'text' })
  currency!: string;

  @Column({ type: 'integer' })
  vendors!: number;

  @Column({ type: 'integer' })
  products!: number;

  @Column({ type: 'double precision', nullable: true })
  p25!: number | null;

  @Column({ type: 'double precision', nullable: true })
  median!: number | null;

  @Column({ type: 'double precision', nullable: true })
  p75!: number | null;

  @Column({ type: 'timestamptz' })
  computed_at!: Date;
}

/** A vendor's private catalogue analytics, computed by a job after ingests and rule changes. */
@Entity('catalogue_analytics')
export class CatalogueAnalytics {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'integer' })
  products!: number;

  @Column({ type: 'integer' })
  customers!: number;

  @Column({ type: 'jsonb' })
  data_quality!: unknown;

  @Column({ type: 'jsonb' })
  tag_coverage!: unknown;

  @Column({ type: 'jsonb' })
  match_coverage!: unknown;

  @Column({ type: 'timestamptz' })
  computed_at!: Date;
}

/** Each vendor's persistent disclosure-control factor for category benchmarks (worker only). */
@Entity('vendor_disclosure_noise')
export class VendorDisclosureNoise {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @Column({ type: 'float8' })
  factor!: number;

  @Column({ type: 'timestamptz' })
  created_at!: Date;
}
