import { DynamicModule, Module } from '@nestjs/common';
import { CalculatorModule } from '#libs/calculator';
import { AppConfig } from '#libs/config';
import { DevMailbox, MailModule } from '#libs/mail';
import { PaymentsModule } from '#libs/payments';
import { ReportsModule } from '#libs/reports';
import { CalculatorPages } from './calculator-pages.service.js';
import { PageSessionGuard, SameOriginFormGuard } from './page-session.guard.js';
import { CalculatorPagesController, DevMailController, LandingController } from './web.controllers.js';

/**
 * The pages a buyer uses in a browser (landing, the calculator as forms) over the API's own
 * services; the development mailbox only where mail is not sent (no SMTP_URL, not production).
 */
@Module({})
export class WebModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WebModule,
      imports: [CalculatorModule, PaymentsModule, ReportsModule, MailModule],
      controllers: [
        LandingController,
        CalculatorPagesController,
        ...(DevMailbox.enabled(config) ? [DevMailController] : []),
      ],
      providers: [CalculatorPages, PageSessionGuard, SameOriginFormGuard],
    };
  }
}

/** Paths outside /api/v1: the pages (for the global prefix's exclusions and the body-type rule). */
export const PAGE_ROUTES = [
  '',
  'calculator',
  'calculator/start',
  'calculator/resume',
  'calculator/resume-link',
  'calculator/steps/:n',
  'calculator/steps/:n/later',
  'calculator/targets',
  'calculator/tier',
  'calculator/checkout',
  'calculator/report-link',
  'dev/mail',
  'dev/mail/:id',
];
