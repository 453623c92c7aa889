import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { firstRow, rowsOf } from '#libs/db';
import { type DietRule } from './customers.entities.js';

export interface DietRulePolicy {
  daily_limits: Record<string, number>;
  exclude_tags: string[];
  require_tags: string[];
  exclude_allergens?: string[];
  per_meal_fraction?: number;
}

/** A vendor's rule for one condition, with its policy (jsonb) narrowed. */
export type DietRuleRow = Pick<DietRule, 'condition_code' | 'source' | 'is_default' | 'updated_at'> & {
  policy: DietRulePolicy;
};

const COLUMNS = `r.condition_code, r.policy, r.source, r.is_default, r.updated_at`;

@Injectable()
export class DietRulesRepository {
  constructor(private readonly db: DataSource) {}

  list(vendorId: VendorId): Promise<DietRuleRow[]> {
    return rowsOf<DietRuleRow>(
      this.db,
      `SELECT ${COLUMNS} FROM diet_rules r WHERE r.vendor_id = $1 ORDER BY r.condition_code`,
      [vendorId],
    );
  }

  async lock(manager: EntityManager, vendorId: VendorId, code: string): Promise<DietRuleRow | null> {
    const row = await firstRow<DietRuleRow>(
      manager,
      `SELECT ${COLUMNS} FROM diet_rules r WHERE r.vendor_id = $1 AND r.condition_code = $2 FOR UPDATE`,
      [vendorId, code],
    );
    return row ?? null;
  }

  async upsert(
    manager: EntityManager,
    vendorId: VendorId,
    code: string,
    policy: DietRulePolicy,
    source: string | null,
  ): Promise<DietRuleRow> {
    const rows = await rowsOf<DietRuleRow>(
      manager,
      `INSERT INTO diet_rules AS r (vendor_id, condition_code, policy, source, is_default)
       VALUES ($1, $2, $3::jsonb, $4, false)
       ON CONFLICT (vendor_id, condition_code) DO UPDATE
          SET policy = EXCLUDED.policy, source = coalesce(EXCLUDED.source, r.source), is_default = false,
              updated_at = now()
       RETURNING ${COLUMNS}`,
      [vendorId, code, JSON.stringify(policy), source],
    );
    return rows[0]!;
  }
}
