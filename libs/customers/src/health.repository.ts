import { auditInsertSql } from '#libs/audit';
import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONNECTION, firstRow, GenerateSql, rowsOf, type Db } from '#libs/db';
import type { HealthProfile, HealthProfileInput } from './customer.types.js';
import { HEALTH_FIELDS, healthColumnType } from './health-columns.js';

/** A profile as read: its fields (dates as text), then the derivations. */
const COLUMNS = [
  'h.customer_id',
  ...HEALTH_FIELDS.map((f) =>
    healthColumnType(f) === 'date' ? `to_char(h.${f}, 'YYYY-MM-DD') AS ${f}` : `h.${f}`,
  ),
  'h.bmr, h.tdee_cached, h.derived_limits, h.derived_at, h.updated_at',
].join(', ');

/** The profile's fields as parameters $3… of `replace`, typed as their columns. */
const GIVEN = HEALTH_FIELDS.map((f, i) => `$${i + 3}::${healthColumnType(f)} AS ${f}`).join(', ');
const DERIVED = ['bmr', 'tdee_cached', 'derived_limits', 'derived_at', 'updated_at'];

/**
 * customer_health. Deliberately not exported from the module: the only way in or out is
 * HealthProfileService, which audits every read and write in the same transaction. Every method
 * takes the transaction's manager.
 */
@Injectable()
export class HealthRepository {
  /** The profile about to be replaced, locked until the caller's transaction ends (reads go through findAudited). */
  async findForUpdate(
    manager: EntityManager,
    vendorId: VendorId,
    customerId: string,
  ): Promise<HealthProfile | null> {
    const row = await firstRow<HealthProfile>(
      manager,
      `SELECT ${COLUMNS} FROM customer_health h WHERE h.vendor_id = $1 AND h.customer_id = $2 FOR UPDATE`,
      [vendorId, customerId],
    );
    return row ?? null;
  }

  /**
   * The audited read in one statement (one round trip, one commit): whether the customer exists,
   * its profile (null when none was written yet) and, when the customer exists, the audit row
   * `audit` builds for the CTE `customer` (inserted by the same statement, so the read cannot
   * happen without its record). No customer, no audit row: there was nothing to read.
   */
  @GenerateSql({
    name: 'matches',
    params: [
      CONNECTION,
      '00000000-0000-4000-8000-00000000000a',
      '00000000-0000-5000-8000-000000000001',
      (from: string, first: number) =>
        auditInsertSql(
          {
            id: 'key:example',
            role: 'health',
            vendorId: '00000000-0000-4000-8000-00000000000a',
            ip: null,
            userAgent: null,
          },
          [
            {
              action: 'customer.health_profile.matches',
              entity: 'customer',
              entityId: '00000000-0000-5000-8000-000000000001',
            },
          ],
          first,
          from,
        ),
    ],
  })
  async findAudited(
    db: Db,
    vendorId: VendorId,
    customerId: string,
    audit: AuditedBy,
  ): Promise<{ customer: boolean; profile: HealthProfile | null }> {
    const record = audit('customer', 3);
    const row = await firstRow<HealthProfile & { customer_found: boolean }>(
      db,
      `WITH customer AS (SELECT c.id FROM customers c WHERE c.vendor_id = $1 AND c.id = $2),
            audited AS (${record.sql})
       SELECT EXISTS (SELECT FROM customer) AS customer_found, ${COLUMNS}
         FROM (SELECT) one
         LEFT JOIN customer_health h ON h.vendor_id = $1 AND h.customer_id = $2`,
      [vendorId, customerId, ...record.params],
    );
    if (!row?.customer_found) return { customer: false, profile: null };
    const { customer_found: _, ...profile } = row;
    return { customer: true, profile: profile.customer_id ? profile : null };
  }

  /** Erasure: the profile and its derivations, returned as they were (for the audit digest). */
  async delete(
    manager: EntityManager,
    vendorId: VendorId,
    customerId: string,
  ): Promise<HealthProfile | null> {
    const row = await firstRow<HealthProfile>(
      manager,
      `DELETE FROM customer_health h WHERE h.vendor_id = $1 AND h.customer_id = $2 RETURNING ${COLUMNS}`,
      [vendorId, customerId],
    );
    return row ?? null;
  }

  /**
   * Replaces the profile and recomputes its derivations in the same statement (BMR, TDEE, derived
   * limits from the vendor's diet rules — SQL functions shared with the set-based recompute).
   */
  @GenerateSql({
    name: 'profile',
    params: [
      CONNECTION,
      '00000000-0000-4000-8000-00000000000a',
      '00000000-0000-5000-8000-000000000001',
      {
        sex: 'female',
        birth_date: '1980-05-01',
        age: null,
        height_cm: 165,
        weight_kg: 70,
        activity_level: 'moderate',
        conditions: ['hypertension'],
        allergies: ['peanuts'],
        dietary_preferences: [],
        goals: [],
        notes: null,
      },
    ],
  })
  async replace(
    manager: EntityManager,
    vendorId: VendorId,
    customerId: string,
    p: Required<HealthProfileInput>,
  ): Promise<HealthProfile> {
    const row = await firstRow<HealthProfile>(
      manager,
      `INSERT INTO customer_health AS h (vendor_id, customer_id, ${HEALTH_FIELDS.join(', ')}, ${DERIVED.join(', ')})
       SELECT $1, $2, ${HEALTH_FIELDS.map((f) => `v.${f}`).join(', ')},
              b.bmr, (b.bmr * activity_factor(v.activity_level))::real, derive_limits($1, v.conditions), now(), now()
         FROM (SELECT ${GIVEN}) v,
              LATERAL (SELECT mifflin_st_jeor(v.sex, v.weight_kg, v.height_cm,
                                              age_on(v.birth_date, v.age, current_date)) AS bmr) b
       ON CONFLICT (vendor_id, customer_id) DO UPDATE SET
         ${[...HEALTH_FIELDS, ...DERIVED].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
       RETURNING ${COLUMNS}`,
      [vendorId, customerId, ...HEALTH_FIELDS.map((f) => p[f])],
    );
    return row!;
  }

  /** Set-based: re-derive the limits of every customer of the vendor holding the condition. */
  async recomputeLimitsForCondition(
    manager: EntityManager,
    vendorId: VendorId,
    conditionCode: string,
  ): Promise<number> {
    const rows = await rowsOf<{ n: number }>(
      manager,
      `WITH u AS (
         UPDATE customer_health h SET derived_limits = derive_limits(h.vendor_id, h.conditions), derived_at = now()
          WHERE h.vendor_id = $1 AND h.conditions @> ARRAY[$2]::text[]
          RETURNING 1)
       SELECT count(*)::int AS n FROM u`,
      [vendorId, conditionCode],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Profiles grouped by what decides their safe products (conditions, allergies, dietary
   * preferences, derived limits), with how many customers share each: the input of the match
   * coverage, which then runs one query per group instead of one per customer.
   */
  criteriaGroups(manager: EntityManager, vendorId: VendorId): Promise<ProfileGroup[]> {
    return rowsOf<ProfileGroup>(
      manager,
      `SELECT h.conditions, h.allergies, h.dietary_preferences, h.derived_limits, count(*)::int AS customers
         FROM customer_health h
        WHERE h.vendor_id = $1
        GROUP BY h.conditions, h.allergies, h.dietary_preferences, h.derived_limits`,
      [vendorId],
    );
  }
}

/** Builds the audit insert for a CTE named `from` of the caller's statement, parameters from `$first`. */
export type AuditedBy = (from: string, first: number) => { sql: string; params: unknown[] };

/** Customers sharing the fields that decide which products are safe for them. */
export type ProfileGroup = Pick<
  HealthProfile,
  'conditions' | 'allergies' | 'dietary_preferences' | 'derived_limits'
> & {
  customers: number;
};
