import type pg from 'pg';
import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { VendorId } from './vendor-id.js';

/**
 * How a lib that owns tables takes many rows at once from the CSV pipeline (libs/ingestion): the
 * pipeline streams, stages, validates and types the file's lines the same way for every kind of
 * file; what happens to the typed lines — which live tables they merge into, by which statements,
 * what a first load builds and swaps in, what a line's codes become — is the owner's, behind this
 * interface (the catalogue lib's products target, the customers lib's customers target). The SQL
 * naming the owner's tables lives in the owner's source.
 */

/** The name of a vendor's partition of a partitioned table (as create_vendor_partitions names it). */
export const vendorPartition = (table: string, vendorId: string): string =>
  `${table}_${vendorId.replace(/-/g, '')}`;

/** One job's scratch tables (unlogged; the pipeline creates and drops them). */
export interface BulkTables {
  /**
   * All-text staging: `line_no`, `problem`, `digest`, `unchanged` (a line known unchanged, staged
   * as its key alone), … and one `f_<field>` column per mapped field.
   */
  stage: string;
  /** The valid lines typed: `line_no`, `id`, `external_id` and the live columns the file fills. */
  typed: string;
  /** Lines set aside as unchanged by a re-ingest (`line_no`, `id`, `external_id`), when the target does. */
  skipped: string;
  /** A target's own scratch: lines of a re-ingest that would change something. */
  changed: string;
  /** A first load's table trees. */
  load: string;
  loadHealth: string;
  /** A target's own scratch: derived limits per distinct condition set. */
  limits: string;
}

/** One file being taken in. */
export interface BulkJob {
  id: string;
  vendorId: VendorId;
  /** Who started it (the audit entries' actor). */
  createdBy: string;
  tables: BulkTables;
  /** The live columns the file fills, in the typed table (external_id, the key, not among them). */
  columns: string[];
  /** The staging column holding the line's external id. */
  externalIdColumn: string;
  /** How many connections a set-based step may spread over (INGEST_PARALLELISM). */
  parts: number;
}

/** The pipeline's connections, as a target uses them. */
export interface BulkSession {
  /** The job's own connection (in the batch's transaction while a batch runs). */
  client: pg.PoolClient;
  /** The same connection for TypeORM-based services. */
  manager: EntityManager;
  /** Statements run at once, each on a connection of its own (read-only, or on disjoint rows). */
  parallel(statements: string[]): Promise<void>;
  /** The planner's estimate of a table's rows (partitions included). */
  rowEstimate(table: string): Promise<number>;
}

export interface BulkCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A partitioned table a first load fills: the vendor's (empty) partition of it replaced by a loaded one. */
export interface LoadTree {
  /** The partitioned table. */
  parent: string;
  /** Its entity: the columns the swap copies over from rows written while the file loaded. */
  entity: EntityTarget<ObjectLiteral>;
  /** The job's scratch table the rows are loaded into. */
  load: string;
  /** Storage options for each new leaf, as create_vendor_partitions gives them. */
  leafOptions?: string;
}

/** What a first load writes: its trees, the statements filling them, and what commits with the swap. */
export interface LoadPlan {
  trees: LoadTree[];
  /** Run at once, on connections of their own. */
  fill: string[];
  /** In the swap's transaction, after the trees are swapped in. */
  onSwap?: (session: BulkSession) => Promise<void>;
}

/** A staged column as a line transform sees it: the live column it fills and the file's header. */
export interface StagedColumn {
  column: string;
  header: string;
}

/** One warning of a line, as errors.csv shows it. */
export interface LineWarning {
  column: string;
  code: string;
  reason: string;
  message: string;
}

export interface BulkTarget {
  /** The partitioned tables a file of these columns writes (all of them when no columns are given). */
  parents(columns?: string[]): string[];
  /** Lines carry a digest of their values (typed `source_digest`), so a re-ingest can skip unchanged ones. */
  readonly digests: boolean;
  /** Rejected values are not kept in errors.csv (health data), except the external id. */
  readonly withholdValues: boolean;
  /**
   * Two of a re-ingest's batches may run at once, each in its own transaction: they write disjoint
   * rows (one line per key after the duplicate check) and nothing one of them locks is wanted by
   * another (no second unique key, logs insert-only). The pipeline still commits them in order.
   */
  readonly independentBatches: boolean;
  /** The typed columns a re-ingest's batches are planned on (null: every column's statistics). */
  readonly batchStatistics: string[] | null;
  /**
   * How a line's values are stored when not as written (codes made canonical), done while the file
   * streams: rewrites `values` (staged order) in place and returns the line's warnings, or null.
   * Undefined when the file has nothing to transform.
   */
  lineTransform(columns: StagedColumn[]): ((values: string[]) => readonly LineWarning[] | null) | undefined;
  /**
   * A re-ingest of `fileBytes`: the statement listing the digests of the vendor's live rows (one
   * uuid column, none null) when holding them in memory while the file streams pays — the file is
   * a good share of what the vendor has — so unchanged lines are recognised as they are read and
   * staged as their key alone; null to leave them to setAsideUnchanged's SQL. Absent when the
   * target keeps no digests.
   */
  unchangedDigests?(job: BulkJob, session: BulkSession, fileBytes: number): Promise<string | null>;
  /**
   * A re-ingest's first step (before validation): lines whose rows are unchanged since they were
   * written from them moved from `stage` into `skipped` (which the target creates) — the lines the
   * copy `marked` as unchanged (stage.unchanged, by unchangedDigests), or else those it finds by
   * their digests. Absent when the target keeps no digests.
   */
  setAsideUnchanged?(job: BulkJob, session: BulkSession, lines: number, marked: boolean): Promise<void>;
  /** A re-ingest's step before its batches (outside a transaction). */
  prepareMerge(job: BulkJob, session: BulkSession): Promise<void>;
  /** Merges typed lines [from, to) in the current transaction (audited where the owner audits). */
  mergeBatch(job: BulkJob, session: BulkSession, lines: { from: number; to: number }): Promise<BulkCounts>;
  /** A vendor's first load: the trees to build and swap in, and the statements filling them. */
  firstLoad(job: BulkJob, session: BulkSession, valid: number): Promise<LoadPlan>;
}
