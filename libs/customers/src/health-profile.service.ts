import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import { NotFound, type VendorId } from '#libs/common';
import { WebhookEventsService } from '#libs/webhooks';
import type { HealthProfile, HealthProfileInput } from './customer.types.js';
import { emptyHealthProfile } from './health-columns.js';
import { HealthRepository, type ProfileGroup } from './health.repository.js';

export type HealthReadPurpose = 'read' | 'matches';

const EMPTY = emptyHealthProfile();

/**
 * The one path to customer health data. Every read and every write appends to audit_log in the
 * same transaction as the data access (a read: in the same statement), so a profile cannot be read
 * (or changed) without its audit row: if the audit insert fails, the read fails too.
 */
@Injectable()
export class HealthProfileService {
  constructor(
    private readonly db: DataSource,
    private readonly health: HealthRepository,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookEventsService,
  ) {}

  /**
   * The profile (null when none was written yet), audited as `customer.health_profile.<purpose>`
   * by the same statement; `customer_not_found` (nothing read, nothing audited) when the customer
   * does not exist.
   */
  async read(
    actor: Actor,
    vendorId: VendorId,
    customerId: string,
    purpose: HealthReadPurpose = 'read',
  ): Promise<HealthProfile | null> {
    const entry = { action: `customer.health_profile.${purpose}`, entity: 'customer', entityId: customerId };
    const { customer, profile } = await this.health.findAudited(
      this.db,
      vendorId,
      customerId,
      (from, first) => this.audit.recordFor(actor, entry, from, first),
    );
    if (!customer) throw new NotFound('Customer', 'customer_not_found');
    return profile;
  }

  /** Replaces the profile (fields left out are cleared) and re-derives; audited with the changed fields and digests. */
  async replace(
    actor: Actor,
    vendorId: VendorId,
    customerId: string,
    input: HealthProfileInput,
    manager?: EntityManager,
  ): Promise<HealthProfile> {
    const run = async (m: EntityManager) => {
      const before = await this.health.findForUpdate(m, vendorId, customerId);
      const after = await this.health.replace(m, vendorId, customerId, { ...EMPTY, ...input });
      await this.audit.record(
        actor,
        {
          action: before ? 'customer.health_profile.updated' : 'customer.health_profile.created',
          entity: 'customer',
          entityId: customerId,
          ...this.audit.sensitiveChange(before, after),
        },
        m,
      );
      // Webhook receivers learn that it changed, never what it says.
      await this.webhooks.emit(m, vendorId, 'customer.health_profile.updated', { customer_id: customerId });
      return after;
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  /**
   * Erasure, in the caller's transaction: the profile and its derivations deleted; returns the
   * audit's view of what was erased (field names and a keyed digest, never values), or null.
   */
  async erase(manager: EntityManager, vendorId: VendorId, customerId: string) {
    const before = await this.health.delete(manager, vendorId, customerId);
    return before ? this.audit.erased(before as unknown as Record<string, unknown>) : null;
  }

  /**
   * After a diet rule changed: re-derive every affected customer's limits in one set-based
   * statement (idempotent), audited as one entry naming the rule and the count.
   */
  recomputeForCondition(actor: Actor, vendorId: VendorId, conditionCode: string): Promise<number> {
    return this.db.transaction(async (m) => {
      const n = await this.health.recomputeLimitsForCondition(m, vendorId, conditionCode);
      await this.audit.record(
        actor,
        {
          action: 'customer.health_profile.limits_recomputed',
          entity: 'diet_rule',
          entityId: conditionCode,
          after: { customers: n },
        },
        m,
      );
      return n;
    });
  }

  /**
   * Every profile of the vendor, grouped by what decides their safe products (no identities), for
   * aggregate analytics; audited as one `customer.health_profile.aggregated` entry with the count
   * (none when the vendor has no profiles).
   */
  aggregate(actor: Actor, vendorId: VendorId): Promise<ProfileGroup[]> {
    return this.db.transaction(async (m) => {
      const groups = await this.health.criteriaGroups(m, vendorId);
      if (!groups.length) return groups; // no profile was read
      await this.audit.record(
        actor,
        {
          action: 'customer.health_profile.aggregated',
          entity: 'catalogue_analytics',
          entityId: vendorId,
          after: { customers: groups.reduce((n, g) => n + g.customers, 0), groups: groups.length },
        },
        m,
      );
      return groups;
    });
  }
}
