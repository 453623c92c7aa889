import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newToken, sha256Hex } from '#libs/common';
import { QueueService } from '#libs/queue';
import {
  ReportsRepository,
  type NewReport,
  type PersonReport,
  type ReportRow,
} from './reports.repository.js';

/**
 * A report's life as other modules drive it, always in the caller's transaction: created for a
 * paid order (with its first revision and generation job), linked to its owner, and taken back or
 * given back when its payment is refunded or disputed.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly queue: QueueService,
  ) {}

  findBySession(manager: EntityManager, sessionId: string): Promise<ReportRow | null> {
    return this.reports.findBySession(manager, sessionId);
  }

  /** The report a payment bought: its row, revision 1, and the `report.generate` job, atomically. */
  async createForPayment(manager: EntityManager, order: NewReport): Promise<ReportRow> {
    const report = await this.reports.create(manager, order);
    await this.queue.send('report.generate', { reportId: report.id }, { manager });
    return report;
  }

  /** A new secret link for the report's owner; only its digest is stored. */
  async issueOwnerToken(manager: EntityManager, reportId: string): Promise<string> {
    const token = newToken();
    await this.reports.addAccessToken(manager, reportId, sha256Hex(token), 'owner');
    return token;
  }

  /** A refunded or disputed payment takes its report back: every link answers 410 with the reason. */
  revokeForPayment(
    manager: EntityManager,
    paymentId: string,
    reason: 'refunded' | 'disputed',
  ): Promise<number> {
    return this.reports.revokeForPayment(manager, paymentId, reason);
  }

  /** A dispute won gives the report back (only what that reason took away). */
  restoreForPayment(manager: EntityManager, paymentId: string, reason: 'disputed'): Promise<void> {
    return this.reports.restoreForPayment(manager, paymentId, reason);
  }

  /** A person's reports (bought by their sessions or sent to their address), latest text included. */
  ofPerson(manager: EntityManager, email: string, sessionIds: string[]): Promise<PersonReport[]> {
    return this.reports.ofPerson(manager, email, sessionIds);
  }

  latestPdf(manager: EntityManager, reportId: string): Promise<Buffer | null> {
    return this.reports.latestPdf(manager, reportId);
  }

  /** Erasure or retention, in the caller's transaction: contents gone, the report a 410 tombstone. */
  eraseContents(manager: EntityManager, ids: string[], reason: 'deleted' | 'expired'): Promise<void> {
    return this.reports.eraseContents(manager, ids, reason);
  }

  expiredHoldingData(manager: EntityManager, now: Date, limit: number) {
    return this.reports.expiredHoldingData(manager, now, limit);
  }
}
