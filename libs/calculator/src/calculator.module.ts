import { Module } from '@nestjs/common';
import { MailModule } from '#libs/mail';
import { CalculatorController } from './calculator.controller.js';
import { CalculatorRepository } from './calculator.repository.js';
import { CalculatorService } from './calculator.service.js';
import { SessionGuard } from './session.guard.js';
import { TiersRepository } from './tiers.repository.js';
import { TiersService } from './tiers.service.js';

@Module({
  imports: [MailModule],
  providers: [CalculatorRepository, TiersRepository, CalculatorService, TiersService, SessionGuard],
  exports: [CalculatorService, TiersService, SessionGuard],
})
export class CalculatorModule {}

/** The api mounts the controller; the worker imports CalculatorModule alone. */
@Module({ imports: [CalculatorModule], controllers: [CalculatorController] })
export class CalculatorHttpModule {}
