import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type Actor, type AuditRecord } from '#libs/audit';
import { IdempotencyService, NotFound, type VendorId } from '#libs/common';
import {
  CustomersService,
  HealthProfileService,
  type CustomerRow,
  type HealthProfile,
} from '#libs/customers';
import { IngestService } from '#libs/ingestion';

/** What a vendor holds about one customer: their copy (GDPR art. 15 / HIPAA access). */
export interface CustomerExport {
  customer: CustomerRow;
  health_profile: HealthProfile | null;
  rejected_csv_lines: {
    job_id: string;
    line_no: string;
    column_name: string;
    value: string | null;
    reason: string;
  }[];
  audit: AuditRecord[];
  generated_at: string;
}

/** The values that identify a customer in places that keep text (rejected CSV values, stored responses). */
const identifiers = (c: CustomerRow) =>
  [c.external_id, c.email, c.first_name, c.last_name].filter((v): v is string => !!v && v.trim().length >= 3);

/**
 * A vendor's customer, exported or erased. Erasure is one audited transaction: identity and health
 * profile with its derived limits (the customers lib, which audits `customer.erased` with field
 * names and digests and emits `customer.deleted`), the rejected lines of customer CSV files that
 * name them (ingestion), and the vendor's stored customer responses that mention them
 * (idempotency replays). Matches and match coverage are computed from the profile on each request,
 * so nothing cached outlives it.
 */
@Injectable()
export class CustomerDataService {
  constructor(
    private readonly db: DataSource,
    private readonly customers: CustomersService,
    private readonly health: HealthProfileService,
    private readonly ingest: IngestService,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
  ) {}

  async export(actor: Actor, vendorId: VendorId, id: string): Promise<CustomerExport> {
    const customer = await this.customers.get(vendorId, id);
    const healthProfile = await this.health.read(actor, vendorId, id, 'read');
    const rejected = await this.db.transaction(async (m) => {
      const lines = await this.ingest.rejectedLinesNaming(m, vendorId, identifiers(customer));
      await this.audit.record(
        actor,
        {
          action: 'customer.exported',
          entity: 'customer',
          entityId: id,
          after: { rejected_csv_values: lines.length },
        },
        m,
      );
      return lines;
    });
    return {
      customer,
      health_profile: healthProfile,
      rejected_csv_lines: rejected,
      audit: await this.audit.listForVendor(vendorId, { entity: 'customer', entityId: id, limit: 10_000 }),
      generated_at: new Date().toISOString(),
    };
  }

  async erase(actor: Actor, vendorId: VendorId, id: string): Promise<{ customer_id: string; erased: true }> {
    const customer = await this.db.transaction((m) => this.eraseIn(m, actor, vendorId, id));
    if (!customer) throw new NotFound('Customer', 'customer_not_found');
    return { customer_id: id, erased: true };
  }

  /** Many by external id, each as `erase` (one transaction for all); the ids not found are listed. */
  async eraseMany(
    actor: Actor,
    vendorId: VendorId,
    externalIds: string[],
  ): Promise<{ erased: { external_id: string; customer_id: string }[]; not_found: string[] }> {
    return this.db.transaction(async (m) => {
      const found = await this.customers.idsByExternalId(m, vendorId, externalIds);
      const erased: { external_id: string; customer_id: string }[] = [];
      for (const f of found) {
        if (await this.eraseIn(m, actor, vendorId, f.id))
          erased.push({ external_id: f.external_id, customer_id: f.id });
      }
      const seen = new Set(erased.map((e) => e.external_id));
      return { erased, not_found: externalIds.filter((e) => !seen.has(e)) };
    });
  }

  private async eraseIn(
    m: EntityManager,
    actor: Actor,
    vendorId: VendorId,
    id: string,
  ): Promise<CustomerRow | null> {
    const customer = await this.customers.erase(m, actor, vendorId, id);
    if (!customer) return null;
    await this.ingest.forgetRejectedLinesNaming(m, vendorId, identifiers(customer));
    await this.idempotency.forgetResponsesMentioning(m, `vendor:${vendorId}`, '/api/v1/customers', [
      customer.id,
      ...identifiers(customer),
    ]);
    return customer;
  }
}
