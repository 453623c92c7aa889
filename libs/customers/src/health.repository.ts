import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { firstRow, rowsOf } from '#libs/db';
import type { HealthProfile, HealthProfileInput } from './customer.types.js';

const COLUMNS = `h.customer_id, h.sex, to_char(h.birth_date, 'YYYY-MM-DD') AS birth_date, h.age, h.height_cm,
  h.weight_kg, h.activity_level, h.conditions, h.allergies, h.dietary_preferences, h.goals, h.notes,
  h.bmr, h.tdee_cached, h.derived_limits, h.derived_at, h.updated_at`;

/**
 * customer_health. Deliberately not exported from the module: the only way in or out is
 * HealthProfileService, which audits every read and write in the same transaction. Every method
 * takes the transaction's manager.
 */
@Injectable()
export class HealthRepository {
  async find(
    manager: EntityManager,
    vendorId: VendorId,
    customerId: string,
    lock = false,
  ): Promise<HealthProfile | null> {
    const row = await firstRow<HealthProfile>(
      manager,
      `SELECT ${COLUMNS} FROM customer_health h WHERE h.vendor_id = $1 AND h.customer_id = $2${lock ? ' FOR UPDATE' : ''}`,
      [vendorId, customerId],
    );
    return row ?? null;
  }

  /**
   * Replaces the profile and recomputes its derivations in the same statement (BMR, TDEE, derived
   * limits from the vendor's diet rules — SQL functions shared with the set-based recompute).
   */
  async replace(
    manager: EntityManager,
    vendorId: VendorId,
    customerId: string,
    p: Required<HealthProfileInput>,
  ): Promise<HealthProfile> {
    const rows = await rowsOf<HealthProfile>(
      manager,
      `INSERT INTO customer_health AS h (vendor_id, customer_id, sex, birth_date, age, height_cm, weight_kg,
              activity_level, conditions, allergies, dietary_preferences, goals, notes,
              bmr, tdee_cached, derived_limits, derived_at, updated_at)
       SELECT $1, $2, v.sex, v.birth_date, v.age, v.height_cm, v.weight_kg, v.activity_level, v.conditions,
              v.allergies, v.dietary_preferences, v.goals, v.notes,
              b.bmr, (b.bmr * activity_factor(v.activity_level))::real, derive_limits($1, v.conditions), now(), now()
         FROM (SELECT $3::text AS sex, $4::date AS birth_date, $5::smallint AS age, $6::real AS height_cm,
                      $7::real AS weight_kg, $8::text AS activity_level, $9::text[] AS conditions,
                      $10::text[] AS allergies, $11::text[] AS dietary_preferences, $12::text[] AS goals,
                      $13::text AS notes) v,
              LATERAL (SELECT mifflin_st_jeor(v.sex, v.weight_kg, v.height_cm,
                                              age_on(v.birth_date, v.age, current_date)) AS bmr) b
       ON CONFLICT (vendor_id, customer_id) DO UPDATE SET
         sex = EXCLUDED.sex, birth_date = EXCLUDED.birth_date, age = EXCLUDED.age,
         height_cm = EXCLUDED.height_cm, weight_kg = EXCLUDED.weight_kg, activity_level = EXCLUDED.activity_level,
         conditions = EXCLUDED.conditions, allergies = EXCLUDED.allergies,
         dietary_preferences = EXCLUDED.dietary_preferences, goals = EXCLUDED.goals, notes = EXCLUDED.notes,
         bmr = EXCLUDED.bmr, tdee_cached = EXCLUDED.tdee_cached, derived_limits = EXCLUDED.derived_limits,
         derived_at = EXCLUDED.derived_at, updated_at = EXCLUDED.updated_at
       RETURNING ${COLUMNS}`,
      [
        vendorId,
        customerId,
        p.sex,
        p.birth_date,
        p.age,
        p.height_cm,
        p.weight_kg,
        p.activity_level,
        p.conditions,
        p.allergies,
        p.dietary_preferences,
        p.goals,
        p.notes,
      ],
    );
    return rows[0]!;
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

/** Customers sharing the fields that decide which products are safe for them. */
export type ProfileGroup = Pick<
  HealthProfile,
  'conditions' | 'allergies' | 'dietary_preferences' | 'derived_limits'
> & {
  customers: number;
};
