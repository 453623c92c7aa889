import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Actor } from '#libs/audit';
import { WebhookEventsService } from '#libs/webhooks';
import { NotFound, Unprocessable, type VendorId } from '#libs/common';
import { uuidV5 } from '#libs/vendors';
import type { CustomerRow, HealthProfile, HealthProfileInput } from './customer.types.js';
import { CustomersRepository, type CustomerIdentity } from './customers.repository.js';
import { HealthProfileService } from './health-profile.service.js';

export interface CustomerInput extends Partial<CustomerIdentity> {
  external_id: string;
  health_profile?: HealthProfileInput;
}

const identity = (i: Partial<CustomerIdentity>): CustomerIdentity => ({
  email: i.email ?? null,
  first_name: i.first_name ?? null,
  last_name: i.last_name ?? null,
});

@Injectable()
export class CustomersService {
  constructor(
    private readonly db: DataSource,
    private readonly customers: CustomersRepository,
    private readonly health: HealthProfileService,
    private readonly audit: AuditService,
    private readonly webhooks: WebhookEventsService,
  ) {}

  /** Create or update by external id; a health profile sent along is written (audited) in the same transaction. */
  upsert(
    actor: Actor,
    vendorId: VendorId,
    input: CustomerInput,
  ): Promise<CustomerRow & { created: boolean }> {
    return this.db.transaction(async (m) => {
      const customer = await this.customers.upsert(m, vendorId, input.external_id, identity(input));
      if (input.health_profile)
        await this.health.replace(actor, vendorId, customer.id, input.health_profile, m);
      return customer;
    });
  }

  async get(vendorId: VendorId, id: string): Promise<CustomerRow> {
    const customer = await this.customers.findById(vendorId, id);
    if (!customer) throw new NotFound('Customer', 'customer_not_found');
    return customer;
  }

  /** PUT: the identity fields replaced (an external_id, when sent, must be this customer's). */
  replace(
    vendorId: VendorId,
    id: string,
    input: Partial<CustomerIdentity> & { external_id?: string },
  ): Promise<CustomerRow> {
    if (input.external_id !== undefined && uuidV5(vendorId, input.external_id) !== id) {
      throw new Unprocessable('external_id does not belong to this customer', 'external_id_mismatch');
    }
    return this.update(vendorId, id, identity(input));
  }

  /** PATCH: only the identity fields sent. */
  update(vendorId: VendorId, id: string, fields: Partial<CustomerIdentity>): Promise<CustomerRow> {
    return this.db.transaction(async (m) => {
      const customer = await this.customers.update(m, vendorId, id, fields);
      if (!customer) throw new NotFound('Customer', 'customer_not_found');
      return customer;
    });
  }

  /** The audited read; 404 when the customer or its profile does not exist (the attempt is still audited). */
  async readHealthOrFail(actor: Actor, vendorId: VendorId, id: string): Promise<HealthProfile> {
    const profile = await this.health.read(actor, vendorId, id, 'read');
    if (!profile) throw new NotFound('Health profile', 'health_profile_not_found');
    return profile;
  }

  async replaceHealth(
    actor: Actor,
    vendorId: VendorId,
    id: string,
    input: HealthProfileInput,
  ): Promise<HealthProfile> {
    await this.get(vendorId, id);
    return this.health.replace(actor, vendorId, id, input);
  }

  /** Customers by external id (those that exist), for a batch erasure. */
  idsByExternalId(manager: EntityManager, vendorId: VendorId, externalIds: string[]) {
    return this.customers.idsByExternalId(manager, vendorId, externalIds);
  }

  /**
   * Erasure of one customer, in the caller's transaction: identity and health profile (with its
   * derived limits) deleted; audited as `customer.erased` with the erased fields' names and keyed
   * digests — never values; a `customer.deleted` webhook (the id only). Returns the identity as it
   * was, so the caller can find and erase its traces elsewhere; null when there is no such customer.
   */
  async erase(
    manager: EntityManager,
    actor: Actor,
    vendorId: VendorId,
    id: string,
  ): Promise<CustomerRow | null> {
    const customer = await this.customers.delete(manager, vendorId, id);
    if (!customer) return null;
    const health = await this.health.erase(manager, vendorId, id);
    const identity = this.audit.erased({
      external_id: customer.external_id,
      email: customer.email,
      first_name: customer.first_name,
      last_name: customer.last_name,
    });
    await this.audit.record(
      actor,
      {
        action: 'customer.erased',
        entity: 'customer',
        entityId: id,
        before: { identity, health_profile: health },
      },
      manager,
    );
    await this.webhooks.emit(manager, vendorId, 'customer.deleted', { customer_id: id });
    return customer;
  }
}
