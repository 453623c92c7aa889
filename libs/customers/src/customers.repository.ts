import type { VendorId } from '#libs/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { firstRow, rowsOf } from '#libs/db';
import { type Customer } from './customers.entities.js';
import type { CustomerRow } from './customer.types.js';

const COLUMNS = `c.id, c.external_id, c.email, c.first_name, c.last_name, c.created_at, c.updated_at`;

export type CustomerIdentity = Pick<Customer, 'email' | 'first_name' | 'last_name'>;

/** A vendor's customers (identity only; health data lives behind HealthProfileService). */
@Injectable()
export class CustomersRepository {
  constructor(private readonly db: DataSource) {}

  /** Insert or update by external id (id = uuid_v5(vendor, external_id)). */
  async upsert(
    manager: EntityManager,
    vendorId: VendorId,
    externalId: string,
    identity: CustomerIdentity,
  ): Promise<CustomerRow & { created: boolean }> {
    const rows = await rowsOf<CustomerRow & { created: boolean }>(
      manager,
      `INSERT INTO customers AS c (vendor_id, id, external_id, email, first_name, last_name)
       VALUES ($1, uuid_generate_v5($1::uuid, $2), $2, $3, $4, $5)
       ON CONFLICT (vendor_id, id) DO UPDATE
          SET email = EXCLUDED.email, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
              updated_at = now()
       RETURNING ${COLUMNS}, (c.created_at = now()) AS created`,
      [vendorId, externalId, identity.email, identity.first_name, identity.last_name],
    );
    return rows[0]!;
  }

  async update(
    manager: EntityManager,
    vendorId: VendorId,
    id: string,
    identity: Partial<CustomerIdentity>,
  ): Promise<CustomerRow | null> {
    const row = await firstRow<CustomerRow>(
      manager,
      `UPDATE customers c
          SET email = CASE WHEN $3 THEN $4 ELSE c.email END,
              first_name = CASE WHEN $5 THEN $6 ELSE c.first_name END,
              last_name = CASE WHEN $7 THEN $8 ELSE c.last_name END,
              updated_at = now()
        WHERE c.vendor_id = $1 AND c.id = $2
        RETURNING ${COLUMNS}`,
      [
        vendorId,
        id,
        'email' in identity,
        identity.email ?? null,
        'first_name' in identity,
        identity.first_name ?? null,
        'last_name' in identity,
        identity.last_name ?? null,
      ],
    );
    return row ?? null;
  }

  async findById(vendorId: VendorId, id: string, manager?: EntityManager): Promise<CustomerRow | null> {
    const row = await firstRow<CustomerRow>(
      manager ?? this.db,
      `SELECT ${COLUMNS} FROM customers c WHERE c.vendor_id = $1 AND c.id = $2`,
      [vendorId, id],
    );
    return row ?? null;
  }

  /** Erasure: the customer's row, returned as it was (for the audit digest and the search of traces). */
  async delete(manager: EntityManager, vendorId: VendorId, id: string): Promise<CustomerRow | null> {
    const row = await firstRow<CustomerRow>(
      manager,
      `DELETE FROM customers c WHERE c.vendor_id = $1 AND c.id = $2 RETURNING ${COLUMNS}`,
      [vendorId, id],
    );
    return row ?? null;
  }

  /** The ids of a vendor's customers by external id (those that exist). */
  async idsByExternalId(
    manager: EntityManager,
    vendorId: VendorId,
    externalIds: string[],
  ): Promise<{ id: string; external_id: string }[]> {
    return rowsOf<{ id: string; external_id: string }>(
      manager,
      `SELECT c.id, c.external_id FROM customers c WHERE c.vendor_id = $1 AND c.external_id = ANY($2::text[])`,
      [vendorId, externalIds],
    );
  }
}
