import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditRepository } from './audit.repository.js';
import type { Actor, AuditEntry, AuditQuery, AuditRecord } from './audit.types.js';

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** Appends entries; pass the transaction's manager so the entry commits with the change. */
  record(actor: Actor, entries: AuditEntry | AuditEntry[], manager?: EntityManager): Promise<void> {
    return this.audit.append(actor, Array.isArray(entries) ? entries : [entries], manager);
  }

  listForVendor(vendorId: string, query: AuditQuery): Promise<AuditRecord[]> {
    return this.audit.listForVendor(vendorId, query);
  }

  ensurePartitions(): Promise<number> {
    return this.audit.ensurePartitions();
  }
}
