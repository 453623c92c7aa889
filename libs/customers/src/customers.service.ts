import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '#libs/audit';
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
    await this.get(vendorId, id);
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
}
