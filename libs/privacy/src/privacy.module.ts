import { Module } from '@nestjs/common';
import { AuditModule } from '#libs/audit';
import { CalculatorModule } from '#libs/calculator';
import { CustomersModule } from '#libs/customers';
import { IngestionModule } from '#libs/ingestion';
import { MailModule } from '#libs/mail';
import { PaymentsModule } from '#libs/payments';
import { ReportsModule } from '#libs/reports';
import { VendorsModule } from '#libs/vendors';
import { BuyerDataService } from './buyer-data.service.js';
import { CustomerDataService } from './customer-data.service.js';
import { CustomerPrivacyController } from './customer-privacy.controller.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';
import { PrivacyRetentionJob } from './privacy-retention.job.js';

/** Privacy rights: a buyer's and a vendor customer's data exported and erased; retention enforced. */
@Module({
  imports: [
    AuditModule,
    CalculatorModule,
    CustomersModule,
    IngestionModule,
    MailModule,
    PaymentsModule,
    ReportsModule,
    VendorsModule,
  ],
  providers: [PrivacyRequestsRepository, BuyerDataService, CustomerDataService, PrivacyRetentionJob],
  exports: [BuyerDataService, CustomerDataService],
})
export class PrivacyModule {}

/** The vendor's routes for a customer's rights (the buyer's are pages: libs/web). */
@Module({ imports: [PrivacyModule, VendorsModule], controllers: [CustomerPrivacyController] })
export class PrivacyHttpModule {}
