import { Module } from '@nestjs/common';
import { VendorsModule } from '#libs/vendors';
import { CustomersController } from './customers.controller.js';
import { CustomersModule } from './customers.module.js';
import { DietRulesController } from './diet-rules.controller.js';
import { MatchesController } from './matches.controller.js';

@Module({
  imports: [CustomersModule, VendorsModule],
  controllers: [CustomersController, DietRulesController, MatchesController],
})
export class CustomersHttpModule {}
