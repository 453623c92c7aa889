import { DynamicModule, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CalculatorModule } from '#libs/calculator';
import { AppConfig } from '#libs/config';
import { ReportsModule } from '#libs/reports';
import { DisabledPaymentProvider, PaymentProvider } from './payment-provider.js';
import {
  CheckoutReturnController,
  PaymentsController,
  SandboxPaymentsController,
} from './payments.controller.js';
import { PaymentsRepository } from './payments.repository.js';
import { PaymentsService } from './payments.service.js';
import { PaymentLifecycleService } from './payment-lifecycle.service.js';
import { CheckoutClaims } from './checkout-claims.js';
import { RefundDuplicateJob } from './refund-duplicate.job.js';
import { SandboxPaymentProvider } from './sandbox.provider.js';
import { StripePaymentProvider } from './stripe.provider.js';

@Module({
  imports: [CalculatorModule, ReportsModule],
  providers: [
    {
      provide: PaymentProvider,
      inject: [AppConfig, DataSource],
      useFactory: (config: AppConfig, db: DataSource): PaymentProvider => {
        switch (config.payments.provider) {
          case 'stripe':
            return new StripePaymentProvider(config);
          case 'sandbox':
            new Logger('PaymentsModule').warn('STRIPE_SECRET_KEY is not set: payments run in sandbox mode');
            return new SandboxPaymentProvider(db, config);
          case 'none':
            return new DisabledPaymentProvider();
        }
      },
    },
    PaymentsRepository,
    PaymentsService,
    PaymentLifecycleService,
    CheckoutClaims,
    RefundDuplicateJob,
  ],
  exports: [PaymentsService],
})
export class PaymentsModule {}

/** The payment routes; the sandbox's only when the sandbox takes payments (config.payments.provider). */
@Module({})
export class PaymentsHttpModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PaymentsHttpModule,
      imports: [PaymentsModule, CalculatorModule],
      controllers: [
        PaymentsController,
        ...(config.payments.provider === 'sandbox' ? [SandboxPaymentsController] : []),
        CheckoutReturnController,
      ],
    };
  }
}
