import { Module } from '@nestjs/common';
import { AuditModule } from '#libs/audit';
import { VendorsModule } from '#libs/vendors';
import { WebhooksModule } from '#libs/webhooks';
import { CustomersRepository } from './customers.repository.js';
import { CustomersService } from './customers.service.js';
import { DietRulesRepository } from './diet-rules.repository.js';
import { DietRulesService } from './diet-rules.service.js';
import { HealthProfileService } from './health-profile.service.js';
import { HealthRepository } from './health.repository.js';
import { CustomersBulkTarget } from './import/customers-bulk.target.js';
import { MatchCoverageService } from './match-coverage.service.js';
import { MatchesRepository } from './matches.repository.js';
import { MatchesService } from './matches.service.js';
import { RecomputeLimitsJob } from './recompute-limits.job.js';

/** Customers, their audited health profiles, diet rules and derivations. HealthRepository stays private. */
@Module({
  imports: [AuditModule, VendorsModule, WebhooksModule],
  providers: [
    CustomersRepository,
    HealthRepository,
    HealthProfileService,
    CustomersBulkTarget,
    CustomersService,
    DietRulesRepository,
    DietRulesService,
    RecomputeLimitsJob,
    MatchesRepository,
    MatchesService,
    MatchCoverageService,
  ],
  exports: [
    CustomersService,
    HealthProfileService,
    CustomersBulkTarget,
    DietRulesService,
    MatchesService,
    MatchCoverageService,
  ],
})
export class CustomersModule {}
