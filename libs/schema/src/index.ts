import * as audit from '../../audit/src/audit.entities.js';
import * as calculator from '../../calculator/src/calculator.entities.js';
import * as catalogue from '../../catalogue/src/catalogue.entities.js';
import * as common from '../../common/src/common.entities.js';
import * as customers from '../../customers/src/customers.entities.js';
import * as ingestion from '../../ingestion/src/ingestion.entities.js';
import * as insights from '../../insights/src/insights.entities.js';
import * as mail from '../../mail/src/mail.entities.js';
import * as payments from '../../payments/src/payments.entities.js';
import * as privacy from '../../privacy/src/privacy.entities.js';
import * as reports from '../../reports/src/reports.entities.js';
import * as vault from '../../vault/src/vault.entities.js';
import * as vendors from '../../vendors/src/vendors.entities.js';
import * as webhooks from '../../webhooks/src/webhooks.entities.js';

/**
 * The schema, assembled: every lib keeps the entities of the tables it owns
 * (`libs/<lib>/src/<lib>.entities.ts`, the one description of each table); the processes register
 * all of them with their DataSource. Imported by the apps, the scripts and the tests — never by a
 * lib, so no lib depends on another's tables through it. `TABLE_OWNERS` is what the ownership test
 * holds every lib's SQL to.
 */
const OWNERS = {
  audit,
  calculator,
  catalogue,
  common,
  customers,
  ingestion,
  insights,
  mail,
  payments,
  privacy,
  reports,
  vault,
  vendors,
  webhooks,
};

type EntityClass = new () => object;
const isEntity = (v: unknown): v is EntityClass => typeof v === 'function';

export const ENTITIES: EntityClass[] = Object.values(OWNERS).flatMap((m) =>
  Object.values(m).filter(isEntity),
);

/** Each entity class and the lib that owns its table. */
export const ENTITY_OWNERS: [EntityClass, string][] = Object.entries(OWNERS).flatMap(([lib, m]) =>
  Object.values(m)
    .filter(isEntity)
    .map((e): [EntityClass, string] => [e, lib]),
);
export * from './published.js';
