import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { LateRateLimitGuard, RateLimit, ReplayPolicy } from '#libs/common';
import { CALCULATOR_LIMITS } from './rate-limits.js';
import type { SessionRow } from './calculator.repository.js';
import {
  CreatedSessionView,
  ProgressView,
  ResumeDto,
  SaveProgressDto,
  SessionIdParam,
  SessionView,
  Step1Dto,
  Step2Dto,
  Step3Dto,
  Step3ResultView,
  Step4Dto,
  StepResultView,
  AcceptedView,
  QuestionsView,
  TiersView,
} from './calculator.dto.js';
import { CalculatorService } from './calculator.service.js';
import { CurrentSession, SessionGuard, SessionToken } from './session.guard.js';

@ApiTags('calculator')
@Controller('calculator')
export class CalculatorController {
  constructor(private readonly calculator: CalculatorService) {}

  @Post('sessions')
  @ReplayPolicy({ secret: true })
  @RateLimit(CALCULATOR_LIMITS.sessionCreate)
  @ApiOperation({
    summary:
      'Start a calculator session; the session token is shown once (a repeated Idempotency-Key gets 409 `idempotency_replay_refused`, never the token again)',
  })
  @ApiCreatedResponse({ type: CreatedSessionView })
  create() {
    return this.calculator.create();
  }

  @Post('sessions/resume')
  @HttpCode(202)
  @RateLimit(CALCULATOR_LIMITS.resumeByIp, CALCULATOR_LIMITS.resumeByEmail)
  @ApiOperation({
    summary: 'E-mail a resume link for the newest in-progress session of this address (always 202)',
  })
  @ApiAcceptedResponse({ type: AcceptedView })
  async resume(@Body() dto: ResumeDto) {
    await this.calculator.requestResume(dto.email);
    return { status: 'accepted' };
  }

  @Get('sessions/:id')
  @UseGuards(SessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Answers so far, progress, macros when computed, status' })
  @ApiOkResponse({ type: SessionView })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid X-Session-Token' })
  get(@Param() _: SessionIdParam, @CurrentSession() session: SessionRow) {
    return this.calculator.view(session);
  }

  @Patch('sessions/:id')
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Save partial progress: any subset of answers, merged, each field validated' })
  @ApiOkResponse({ type: ProgressView })
  @ApiConflictResponse({ description: 'The session is paid for (`session_locked`)' })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid X-Session-Token' })
  save(@Param() params: SessionIdParam, @SessionToken() token: string, @Body() dto: SaveProgressDto) {
    return this.calculator.saveProgress(params.id, token, { ...dto });
  }

  @Get('questions')
  @ApiOperation({ summary: 'The form schema: steps, fields, types, choices and bounds' })
  @ApiOkResponse({ type: QuestionsView })
  questions() {
    return this.calculator.questions();
  }

  @Get('tiers')
  @ApiOperation({ summary: 'Report tiers with price, sections, expiry and revisions' })
  @ApiOkResponse({ type: TiersView })
  async tiers() {
    return { tiers: await this.calculator.listTiers() };
  }

  @Post('step/1')
  @HttpCode(200)
  @UseGuards(SessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Step 1: sex, age, height (cm or ft+in), weight (kg or lbs)' })
  @ApiOkResponse({ type: StepResultView })
  @ApiConflictResponse({ description: '`step_out_of_order` or `session_locked`' })
  step1(@CurrentSession() session: SessionRow, @Body() dto: Step1Dto) {
    return this.calculator.submitStep1(session, dto);
  }

  @Post('step/2')
  @HttpCode(200)
  @UseGuards(SessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Step 2: activity, exercise, goal, deficit/surplus, diet' })
  @ApiOkResponse({ type: StepResultView })
  @ApiConflictResponse({ description: '`step_out_of_order` or `session_locked`' })
  step2(@CurrentSession() session: SessionRow, @Body() dto: Step2Dto) {
    return this.calculator.submitStep2(session, dto);
  }

  @Post('step/3')
  @HttpCode(200)
  @UseGuards(SessionGuard)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Step 3: optional body fat; the server computes and stores the macros' })
  @ApiOkResponse({ type: Step3ResultView })
  @ApiConflictResponse({ description: '`step_out_of_order` or `session_locked`' })
  step3(@CurrentSession() session: SessionRow, @Body() dto: Step3Dto) {
    return this.calculator.submitStep3(session, dto);
  }

  @Post('step/4')
  @HttpCode(200)
  @UseGuards(SessionGuard, LateRateLimitGuard)
  @RateLimit(CALCULATOR_LIMITS.step4)
  @ApiSecurity('session')
  @ApiOperation({ summary: 'Step 4: the health profile (3 submissions per hour per session)' })
  @ApiOkResponse({ type: StepResultView })
  @ApiConflictResponse({ description: '`step_out_of_order` or `session_locked`' })
  step4(@CurrentSession() session: SessionRow, @Body() dto: Step4Dto) {
    return this.calculator.submitStep4(session, dto);
  }
}
