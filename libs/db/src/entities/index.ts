/**
 * Every table's entity: the one description of the schema in code (hand-written migrations create it;
 * test/integration/entity-drift.spec.ts fails when the two disagree). Property names are the column
 * names. `jsonb` columns are `unknown` here: the database does not constrain their shape, so each
 * row type narrows them (`Pick<CalculatorSession, 'macros'> & { macros: Macros | null }`).
 */
export * from './audit.entities.js';
export * from './calculator.entities.js';
export * from './catalogue.entities.js';
export * from './common.entities.js';
export * from './customers.entities.js';
export * from './ingestion.entities.js';
export * from './mail.entities.js';
export * from './payments.entities.js';
export * from './reports.entities.js';
export * from './vault.entities.js';
export * from './vendors.entities.js';
export * from './webhooks.entities.js';
export type { VendorId } from './vendor-id.js';

import { AuditLogEntry } from './audit.entities.js';
import { CalculatorSession, CalculatorSessionToken, PaymentTier } from './calculator.entities.js';
import { Product } from './catalogue.entities.js';
import { IdempotencyKey, RateLimitCounter } from './common.entities.js';
import { Customer, CustomerHealth, DietRule, DietRuleDefault } from './customers.entities.js';
import { IngestJob, IngestFeed, IngestError } from './ingestion.entities.js';
import { MailOutboxMessage } from './mail.entities.js';
import { Payment, PaymentEvent, PaymentTransition, SandboxCheckout } from './payments.entities.js';
import {
  Report,
  ReportRevision,
  ReportEventRecord,
  ReportAccessToken,
  ReportAccessLogEntry,
  LlmApiLog,
} from './reports.entities.js';
import { VaultSecret } from './vault.entities.js';
import { Vendor, VendorApiKey } from './vendors.entities.js';
import { WebhookEndpoint, WebhookEvent, WebhookDelivery, WebhookAttempt } from './webhooks.entities.js';

/** Registered with every DataSource, so repositories and the query builder know each table. */
export const ENTITIES = [
  AuditLogEntry,
  CalculatorSession,
  CalculatorSessionToken,
  PaymentTier,
  Product,
  IdempotencyKey,
  RateLimitCounter,
  Customer,
  CustomerHealth,
  DietRule,
  DietRuleDefault,
  IngestJob,
  IngestFeed,
  IngestError,
  MailOutboxMessage,
  Payment,
  PaymentEvent,
  PaymentTransition,
  SandboxCheckout,
  Report,
  ReportRevision,
  ReportEventRecord,
  ReportAccessToken,
  ReportAccessLogEntry,
  LlmApiLog,
  VaultSecret,
  Vendor,
  VendorApiKey,
  WebhookEndpoint,
  WebhookEvent,
  WebhookDelivery,
  WebhookAttempt,
];
