import { VIEWS as calculator } from '../../calculator/src/calculator.views.js';
import { VIEWS as catalogue } from '../../catalogue/src/catalogue.views.js';
import { VIEWS as ingestion } from '../../ingestion/src/ingestion.views.js';
import { VIEWS as vendors } from '../../vendors/src/vendors.views.js';
import { FUNCTIONS as audit } from '../../audit/src/audit.functions.js';
import { FUNCTIONS as catalogueFunctions } from '../../catalogue/src/catalogue.functions.js';
import { FUNCTIONS as customers } from '../../customers/src/customers.functions.js';
import { FUNCTIONS as db } from '../../db/src/db.functions.js';
import { FUNCTIONS as insights } from '../../insights/src/insights.functions.js';
import { FUNCTIONS as reports } from '../../reports/src/reports.functions.js';
import { FUNCTIONS as vendorFunctions } from '../../vendors/src/vendors.functions.js';

/**
 * Views each lib publishes over its own tables for other libs to read (`<lib>.views.ts`, created
 * by migrations through libs/db's createViews, each `security_invoker`): lib → name → SELECT.
 */
export const VIEWS: Record<string, Record<string, string>> = { calculator, catalogue, ingestion, vendors };

/** Every SQL function, by the lib whose source holds it (`<lib>.functions.ts`): lib → name → definition. */
export const FUNCTIONS: Record<string, Record<string, string>> = {
  audit,
  catalogue: catalogueFunctions,
  customers,
  db,
  insights,
  reports,
  vendors: vendorFunctions,
};

/** Each published view and the lib that owns it. */
export const PUBLISHED: Record<string, string> = Object.fromEntries(
  Object.entries(VIEWS).flatMap(([lib, views]) => Object.keys(views).map((name) => [name, lib])),
);
