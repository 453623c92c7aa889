import { Foundation1795219200000 } from './1795219200000-foundation.js';
import { CalculatorPayments1795219300000 } from './1795219300000-calculator-payments.js';
import { Reports1795219400000 } from './1795219400000-reports.js';
import { Vendors1795219500000 } from './1795219500000-vendors.js';
import { Customers1795219600000 } from './1795219600000-customers.js';
import { Matches1795219700000 } from './1795219700000-matches.js';
import { Webhooks1795219800000 } from './1795219800000-webhooks.js';
import { Ingestion1795219900000 } from './1795219900000-ingestion.js';
import { Security1795220000000 } from './1795220000000-security.js';
import { RowLevelSecurity1795220100000 } from './1795220100000-row-level-security.js';
import { WorkerRole1795220200000 } from './1795220200000-worker-role.js';
import { DistributionReady1795220300000 } from './1795220300000-distribution-ready.js';
import { CheckoutReturn1795220400000 } from './1795220400000-checkout-return.js';
import { GenerationAttempts1795220500000 } from './1795220500000-generation-attempts.js';
import { LlmFallbacks1795220600000 } from './1795220600000-llm-fallbacks.js';
import { PaymentLifecycle1795220700000 } from './1795220700000-payment-lifecycle.js';
import { DropUnusedAllergenIndex1795220800000 } from './1795220800000-drop-unused-allergen-index.js';
import { DirectoryInsights1795220900000 } from './1795220900000-directory-insights.js';
import { CatalogueStatsPolicies1795221000000 } from './1795221000000-catalogue-stats-policies.js';
import { ProductFillfactor1795221100000 } from './1795221100000-product-fillfactor.js';
import { ProductSourceDigest1795221200000 } from './1795221200000-product-source-digest.js';
import { InlineBmr1795221300000 } from './1795221300000-inline-bmr.js';
import { HealthLimitsStatistics1795221400000 } from './1795221400000-health-limits-statistics.js';
import { LeafStatistics1795221500000 } from './1795221500000-leaf-statistics.js';
import { CategoryInFulltextIndexes1795221600000 } from './1795221600000-category-in-fulltext-indexes.js';
import { TagsInFulltextIndexes1795221700000 } from './1795221700000-tags-in-fulltext-indexes.js';
import { MatchesByCategory1795221800000 } from './1795221800000-matches-by-category.js';
import { CheckoutClaims1795221900000 } from './1795221900000-checkout-claims.js';
import { BenchmarkNoise1795222000000 } from './1795222000000-benchmark-noise.js';
import { NutrientBasisAndWarnings1795222100000 } from './1795222100000-nutrient-basis-and-warnings.js';
import { CanonicalCodes1795222200000 } from './1795222200000-canonical-codes.js';
import { SchemaSource1795222300000 } from './1795222300000-schema-source.js';
import { ReportLinksByEmail1795222400000 } from './1795222400000-report-links-by-email.js';
import { PrivacyRights1795222500000 } from './1795222500000-privacy-rights.js';
import { IncrementalFigures1795222600000 } from './1795222600000-incremental-figures.js';
import { CredentialNotifications1795222700000 } from './1795222700000-credential-notifications.js';
import { AllergensInFulltextIndexes1795222800000 } from './1795222800000-allergens-in-fulltext-indexes.js';
import { LeakproofAllergenLexemes1795222900000 } from './1795222900000-leakproof-allergen-lexemes.js';

/** Every migration, oldest first. A landed migration is never edited: add a new one. */
export const MIGRATIONS = [
  Foundation1795219200000,
  CalculatorPayments1795219300000,
  Reports1795219400000,
  Vendors1795219500000,
  Customers1795219600000,
  Matches1795219700000,
  Webhooks1795219800000,
  Ingestion1795219900000,
  Security1795220000000,
  RowLevelSecurity1795220100000,
  WorkerRole1795220200000,
  DistributionReady1795220300000,
  CheckoutReturn1795220400000,
  GenerationAttempts1795220500000,
  LlmFallbacks1795220600000,
  PaymentLifecycle1795220700000,
  DropUnusedAllergenIndex1795220800000,
  DirectoryInsights1795220900000,
  CatalogueStatsPolicies1795221000000,
  ProductFillfactor1795221100000,
  ProductSourceDigest1795221200000,
  InlineBmr1795221300000,
  HealthLimitsStatistics1795221400000,
  LeafStatistics1795221500000,
  CategoryInFulltextIndexes1795221600000,
  TagsInFulltextIndexes1795221700000,
  MatchesByCategory1795221800000,
  CheckoutClaims1795221900000,
  BenchmarkNoise1795222000000,
  NutrientBasisAndWarnings1795222100000,
  CanonicalCodes1795222200000,
  SchemaSource1795222300000,
  ReportLinksByEmail1795222400000,
  PrivacyRights1795222500000,
  IncrementalFigures1795222600000,
  CredentialNotifications1795222700000,
  AllergensInFulltextIndexes1795222800000,
  LeakproofAllergenLexemes1795222900000,
];
