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
export * from './insights.entities.js';
export * from './mail.entities.js';
export * from './payments.entities.js';
export * from './reports.entities.js';
export * from './vault.entities.js';
export * from './vendors.entities.js';
export * from './webhooks.entities.js';
export type { VendorId } from './vendor-id.js';

import * as audit from './audit.entities.js';
import * as calculator from './calculator.entities.js';
import * as catalogue from './catalogue.entities.js';
import * as common from './common.entities.js';
import * as customers from './customers.entities.js';
import * as ingestion from './ingestion.entities.js';
import * as insights from './insights.entities.js';
import * as mail from './mail.entities.js';
import * as payments from './payments.entities.js';
import * as reports from './reports.entities.js';
import * as vault from './vault.entities.js';
import * as vendors from './vendors.entities.js';
import * as webhooks from './webhooks.entities.js';

/**
 * Registered with every DataSource, so repositories and the query builder know each table: every
 * class the entity files export (the other exports are the CHECK value lists).
 */
export const ENTITIES = [
  audit,
  calculator,
  catalogue,
  common,
  customers,
  ingestion,
  insights,
  mail,
  payments,
  reports,
  vault,
  vendors,
  webhooks,
].flatMap((m) => Object.values(m).filter((v): v is new () => object => typeof v === 'function'));
