import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import { NUTRIENTS } from '#libs/catalogue';
import { ValidationFailed, type VendorId } from '#libs/common';
import { canonicalDietTags, normaliseAllergens } from '#libs/food-vocabulary';
import { QueueService } from '#libs/queue';
import { DietRulesRepository, type DietRulePolicy, type DietRuleRow } from './diet-rules.repository.js';

@Injectable()
export class DietRulesService {
  constructor(
    private readonly db: DataSource,
    private readonly rules: DietRulesRepository,
    private readonly audit: AuditService,
    private readonly queue: QueueService,
  ) {}

  list(vendorId: VendorId): Promise<DietRuleRow[]> {
    return this.rules.list(vendorId);
  }

  /**
   * Sets a condition's rule; in the same transaction it is audited and the recompute of every
   * customer holding the condition is queued (so the rule never changes without it).
   */
  put(
    actor: Actor,
    vendorId: VendorId,
    code: string,
    policy: Partial<DietRulePolicy> & Pick<DietRulePolicy, 'daily_limits'>,
    source: string | null,
  ): Promise<DietRuleRow> {
    const bad = Object.entries(policy.daily_limits).filter(
      ([k, v]) =>
        !(NUTRIENTS as readonly string[]).includes(k) ||
        typeof v !== 'number' ||
        !Number.isFinite(v) ||
        v < 0,
    );
    if (bad.length) {
      throw new ValidationFailed(
        'The request is not valid',
        bad.map(([k]) => ({
          field: `policy.daily_limits.${k}`,
          message: `must be a non-negative number for one of ${NUTRIENTS.join(', ')}`,
        })),
      );
    }
    // codes in canonical form, as the products they are compared with
    const normalised: DietRulePolicy = {
      daily_limits: policy.daily_limits,
      exclude_tags: canonicalDietTags(policy.exclude_tags ?? []).codes,
      require_tags: canonicalDietTags(policy.require_tags ?? []).codes,
      exclude_allergens: normaliseAllergens(policy.exclude_allergens ?? []).codes,
      ...(policy.per_meal_fraction !== undefined ? { per_meal_fraction: policy.per_meal_fraction } : {}),
    };
    return this.db.transaction(async (m) => {
      const before = await this.rules.lock(m, vendorId, code);
      const after = await this.rules.upsert(m, vendorId, code, normalised, source);
      await this.audit.record(
        actor,
        {
          action: before ? 'diet_rule.updated' : 'diet_rule.created',
          entity: 'diet_rule',
          entityId: code,
          before,
          after,
        },
        m,
      );
      await this.queue.send('customers.recompute-limits', { vendorId, conditionCode: code }, { manager: m });
      return after;
    });
  }
}
