import { DynamicModule, Module } from '@nestjs/common';
import { CalculatorModule } from '#libs/calculator';
import { AppConfig } from '#libs/config';
import { DevMailbox, MailModule } from '#libs/mail';
import { PaymentsModule } from '#libs/payments';
import { PrivacyModule } from '#libs/privacy';
import { ReportsModule } from '#libs/reports';
import { CalculatorPages } from './calculator-pages.service.js';
import { PageSessionGuard, SameOriginFormGuard } from './page-session.guard.js';
import { PrivacyPagesController } from './privacy-pages.controller.js';
import { PrivacyPages } from './privacy-pages.service.js';
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
      imports: [CalculatorModule, PaymentsModule, ReportsModule, MailModule, PrivacyModule],
      controllers: [
        LandingController,
        CalculatorPagesController,
        PrivacyPagesController,
        ...(DevMailbox.enabled(config) ? [DevMailController] : []),
      ],
      providers: [CalculatorPages, PrivacyPages, PageSessionGuard, SameOriginFormGuard],
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
  'privacy',
  'privacy/request',
  'privacy/report/:token/export',
  'privacy/report/:token/erase',
  'privacy/requests/:token',
  'privacy/requests/:token/export',
  'privacy/requests/:token/reports/:id/pdf',
  'privacy/requests/:token/erase',
];
