import { Module } from '@nestjs/common';
import { VendorsModule } from '#libs/vendors';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksModule } from './webhooks.module.js';

@Module({ imports: [WebhooksModule, VendorsModule], controllers: [WebhooksController] })
export class WebhooksHttpModule {}
