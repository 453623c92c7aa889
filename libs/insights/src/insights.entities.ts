import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
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

/**
 * The change log of the catalogue figures: every product row an INSERT, UPDATE or DELETE changed,
 * appended by the statement triggers on `products` (record_catalogue_figure_changes) — the old
 * values counted −1, the new +1 — and taken (deleted) by the figures job when it folds them into
 * vendor_category_counts. Worker only.
 */
@Entity('catalogue_figure_changes')
export class CatalogueFigureChange {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq!: string;

  /** −1 (the row as it was) or +1 (as it is now). */
  @Column({ type: 'smallint' })
  sign!: -1 | 1;

  /** The row's last update (+1), or when it was changed or deleted (−1). */
  @Column({ type: 'timestamptz' })
  at!: Date;

  /** The quality fields the row leaves empty. */
  @Column({ type: 'text', array: true })
  missing!: string[];

  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'integer', nullable: true })
  price_cents!: number | null;

  @Column({ type: 'real', nullable: true })
  serving_size_g!: number | null;

  @Column({ type: 'real', nullable: true })
  protein_g!: number | null;

  @Column({ type: 'real', nullable: true })
  calories!: number | null;

  @Column({ type: 'real', nullable: true })
  sodium_mg!: number | null;

  @Column({ type: 'text', array: true })
  dietary_tags!: string[];

  @Column({ type: 'text', array: true })
  allergens!: string[];
}

/** What a vendor's products in one category add up to (figure-counts.sql.ts): summed, never re-read from the catalogue. */
@Entity('vendor_category_counts')
export class VendorCategoryCount {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  /** '' for products without a category. */
  @PrimaryColumn({ type: 'text' })
  category!: string;

  @PrimaryColumn({
    type: 'text',
    enum: ['products', 'missing', 'tagged', 'declared', 'tag', 'allergen', 'fit', 'metric'],
  })
  kind!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @PrimaryColumn({ type: 'text' })
  currency!: string;

  /** A metric's value to 3 significant figures (0 for the other kinds). */
  @PrimaryColumn({ type: 'float8' })
  value!: number;

  @Column({ type: 'bigint' })
  n!: string;

  /** kind `products`: the category's last change. */
  @Column({ type: 'timestamptz', nullable: true })
  latest!: Date | null;
}

/** Each vendor's median per category, metric and currency, read from its counts when the category changes. */
@Entity('vendor_category_medians')
export class VendorCategoryMedian {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  @PrimaryColumn({ type: 'text' })
  category!: string;

  @PrimaryColumn({ type: 'text', enum: BENCHMARK_METRICS })
  metric!: (typeof BENCHMARK_METRICS)[number];

  @PrimaryColumn({ type: 'text' })
  currency!: string;

  @Column({ type: 'integer' })
  products!: number;

  @Column({ type: 'double precision' })
  median!: number;
}

/** When a vendor's counts were last rebuilt from its catalogue, and on what basis (vocabulary, fields). */
@Entity('vendor_figure_state')
export class VendorFigureState {
  @PrimaryColumn({ type: 'uuid' })
  vendor_id!: VendorId;

  /** A digest of what the counts are read through; a different one means a rebuild. */
  @Column({ type: 'text' })
  basis!: string;

  @Column({ type: 'timestamptz' })
  rebuilt_at!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  folded_at!: Date | null;
}
