import { Injectable } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { AppError, ValidationFailed, type ErrorDetail } from '#libs/common';
import {
  CalculatorService,
  QUESTIONS,
  ResumeDto,
  SaveProgressDto,
  Step1Dto,
  Step2Dto,
  Step3Dto,
  Step4Dto,
  bodyWarnings,
  goalWarnings,
  healthWarnings,
  targetWarnings,
  type QuestionField,
  type SessionRow,
} from '#libs/calculator';
import { AppConfig } from '#libs/config';
import { PaymentsService, tierIncludes } from '#libs/payments';
import { ReportLinkResender } from '#libs/reports';
import { sessionCookie } from './calculator-cookie.js';
import { StepPage, TargetsPage, TierPage, type Units } from './calculator-views.js';
import { answersFromForm, fieldErrors, validateAs, type FormBody } from './form-input.js';
import { page, redirect, type PageResult } from './page-response.js';
import type { PageSession } from './page-session.guard.js';
import { MessagePage, StartPage } from './pages.js';
import { formToken } from './calculator-cookie.js';

type Step = 1 | 2 | 3 | 4;
const DTOS: Record<Step, Type<object>> = { 1: Step1Dto, 2: Step2Dto, 3: Step3Dto, 4: Step4Dto };
const NEXT: Record<Step, string> = {
  1: '/calculator/steps/2',
  2: '/calculator/steps/3',
  3: '/calculator/targets',
  4: '/calculator/tier',
};
const UNIT_FIELDS: Record<Units, string[]> = {
  metric: ['height_cm', 'weight_kg'],
  imperial: ['height_ft', 'height_in', 'weight_lbs'],
};
const OTHER_UNITS: Record<Units, Units> = { metric: 'imperial', imperial: 'metric' };
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);

/** Where a session continues: the first step not done, or the report choice. */
export function nextPath(row: SessionRow): string {
  return row.step_completed >= 4 ? '/calculator/tier' : `/calculator/steps/${row.step_completed + 1}`;
}

/**
 * The calculator as pages: the API's own services behind server-rendered forms. Validation is the
 * API's (the same DTOs and pipe, then the same service checks); a page only turns the form into
 * the request body and the problems back into words beside their fields.
 */
@Injectable()
export class CalculatorPages {
  constructor(
    private readonly calculator: CalculatorService,
    private readonly payments: PaymentsService,
    private readonly reportLinks: ReportLinkResender,
    private readonly config: AppConfig,
  ) {}

  private get secure(): boolean {
    return this.config.env === 'production';
  }

  start(session: PageSession | null): PageResult {
    const inProgress = session && session.row.status === 'in_progress' ? session : null;
    return page(
      <StartPage
        inProgress={inProgress ? { step: Math.min(inProgress.row.step_completed + 1, 4) } : null}
        csrf={inProgress ? formToken(inProgress.token) : null}
      />,
    );
  }

  async begin(): Promise<PageResult> {
    const created = await this.calculator.create();
    return redirect(
      '/calculator/steps/1',
      sessionCookie({ id: created.id, token: created.session_token }, this.secure),
    );
  }

  /** The e-mailed resume link: the token becomes this browser's cookie, the URL loses it at once. */
  async resume(sessionId: string | undefined, token: string | undefined): Promise<PageResult> {
    const row =
      sessionId && token && token.length <= 200 ? await this.calculator.authenticate(token, sessionId) : null;
    if (!row) {
      return page(
        <MessagePage
          title="This link does not work any more"
          text="Resume links work for 7 days. Ask for a new one with your e-mail address."
          actions={[{ href: '/calculator', label: 'Get a new link' }]}
        />,
        404,
      );
    }
    return redirect(nextPath(row), sessionCookie({ id: row.id, token: token! }, this.secure));
  }

  async requestResumeLink(body: FormBody): Promise<PageResult> {
    const email = first(body.email)?.trim() ?? '';
    const valid = await validateAs(ResumeDto, { email });
    if (!valid.ok) {
      return page(
        <StartPage
          inProgress={null}
          csrf={null}
          email={email}
          emailError="Enter an e-mail address like name@example.com"
        />,
        422,
      );
    }
    await this.calculator.requestResume(email);
    return page(
      <MessagePage
        title="Check your e-mail"
        text={`If a calculator was saved with ${email}, a link to it is on its way. It works for 7 days.`}
        actions={[{ href: '/calculator', label: 'Back to the calculator' }]}
      />,
    );
  }

  /** From the "link already used" page: fresh report links to the buyer's address (same answer either way). */
  async requestReportLink(body: FormBody): Promise<PageResult> {
    const email = first(body.email)?.trim() ?? '';
    if (!(await validateAs(ResumeDto, { email })).ok) {
      return page(
        <MessagePage
          title="Enter your e-mail address"
          text="Enter the address you paid with, like name@example.com. Go back to try again."
        />,
        422,
      );
    }
    await this.reportLinks.resend(email);
    return page(
      <MessagePage
        title="Check your e-mail"
        text={`If ${email} bought a report that is still available, a new link to it is on its way.`}
      />,
    );
  }

  stepForm(s: PageSession, step: Step, unitsAsked?: string): PageResult {
    const row = s.row;
    if (row.status !== 'in_progress') return this.paid();
    if (step > row.step_completed + 1) return redirect(nextPath(row));
    const units = step === 1 ? this.unitsOf(row, unitsAsked) : undefined;
    return this.render(s, step, units, row.answers, {});
  }

  async submitStep(s: PageSession, step: Step, body: FormBody): Promise<PageResult> {
    const row = s.row;
    if (row.status !== 'in_progress') return this.paid();
    const units = step === 1 ? this.unitsOf(row, first(body.units)) : undefined;
    const fields = this.fields(step, units);
    const input = answersFromForm(fields, body);
    const missing = this.missingUnitFields(fields, input);
    const checked = await validateAs(DTOS[step], input);
    if (!checked.ok || missing.length) {
      return this.render(
        s,
        step,
        units,
        input,
        fieldErrors([...missing, ...(checked.ok ? [] : checked.errors)], fields),
        422,
      );
    }
    try {
      await this.submit(row, step, checked.value);
    } catch (err) {
      if (err instanceof ValidationFailed)
        return this.render(s, step, units, input, fieldErrors(err.details, fields), 422);
      if (err instanceof AppError && err.code === 'step_out_of_order') return redirect(nextPath(row));
      if (err instanceof AppError && err.code === 'session_locked') return this.paid();
      throw err;
    }
    return redirect(NEXT[step]);
  }

  /** "Finish later": the step's answers so far as a draft, and a resume link to this address. */
  async saveForLater(s: PageSession, step: Step, body: FormBody): Promise<PageResult> {
    const row = s.row;
    if (row.status !== 'in_progress') return this.paid();
    const units = step === 1 ? this.unitsOf(row, first(body.units)) : undefined;
    const fields = this.fields(step, units);
    const draft = answersFromForm(fields, body);
    const email = first(body.email)?.trim() ?? '';
    const address = await validateAs(ResumeDto, { email });
    if (!address.ok) {
      const onForm = fields.some((f) => f.name === 'email');
      return this.render(
        s,
        step,
        units,
        draft,
        onForm ? { email: 'Enter an e-mail address like name@example.com' } : {},
        422,
        onForm ? undefined : 'To get a link, enter your e-mail address under "Finish later".',
      );
    }
    const checked = await validateAs(SaveProgressDto, draft);
    if (!checked.ok) return this.render(s, step, units, draft, fieldErrors(checked.errors, fields), 422);
    await this.calculator.saveProgress(row.id, s.token, { ...draft, email });
    await this.calculator.requestResume(email);
    return page(
      <MessagePage
        title="Check your e-mail"
        text={`We sent a link to ${email}. It opens step ${step} with your answers, for 7 days.`}
        actions={[{ href: `/calculator/steps/${step}`, label: 'Or continue now' }]}
      />,
    );
  }

  targets(s: PageSession): PageResult {
    const row = s.row;
    if (row.status !== 'in_progress') return this.paid();
    if (row.step_completed < 3 || !row.macros) return redirect(nextPath(row));
    const p = row.profile as { age: number; height_cm: number; weight_kg: number; sex: string };
    const warnings = [
      ...bodyWarnings(p),
      ...goalWarnings({
        ...(row.profile as Parameters<typeof goalWarnings>[0]),
        deficit_percentage: (row.profile.deficit_percentage as number | null) ?? undefined,
      }),
      ...targetWarnings(p.sex, row.macros),
    ];
    return page(<TargetsPage macros={row.macros} warnings={warnings} completed={row.step_completed} />);
  }

  async tierForm(s: PageSession, chosen?: string, error?: string): Promise<PageResult> {
    const row = s.row;
    if (row.status !== 'in_progress') return this.paid();
    if (row.step_completed < 4) return redirect(nextPath(row));
    const tiers = (await this.calculator.listTiers()).map((tier) => ({
      tier,
      price: money(tier.price_cents, tier.currency),
      ...tierIncludes(tier),
    }));
    const warnings = healthWarnings(row.answers as never, row.profile.diet_type as string | undefined);
    return page(
      <TierPage
        tiers={tiers}
        chosen={chosen ?? row.tier ?? undefined}
        error={error}
        csrf={formToken(s.token)}
        warnings={warnings}
      />,
      error ? 422 : 200,
      this.payments.checkoutOrigins(),
    );
  }

  async checkout(s: PageSession, body: FormBody): Promise<PageResult> {
    const tier = first(body.tier);
    const tiers = await this.calculator.listTiers();
    if (!tier || !tiers.some((t) => t.code === tier)) return this.tierForm(s, undefined, 'Choose a report');
    try {
      const checkout = await this.payments.checkout(s.row, tier);
      return redirect(checkout.checkout_url);
    } catch (err) {
      if (err instanceof AppError && err.code === 'steps_incomplete') return redirect(nextPath(s.row));
      if (err instanceof AppError && err.code === 'already_paid') return this.paid();
      if (err instanceof AppError && err.code === 'payments_disabled') {
        return page(
          <MessagePage
            title="Payments are switched off"
            text="This installation does not take payments at the moment. Your answers are saved."
            actions={[{ href: '/calculator/tier', label: 'Try again' }]}
          />,
          503,
        );
      }
      throw err;
    }
  }

  private paid(): PageResult {
    return page(
      <MessagePage
        title="This calculator is paid for"
        text="Its report link was shown after payment and sent to your e-mail address. You can start a new calculator at any time."
        actions={[{ href: '/calculator', label: 'The calculator' }]}
      />,
      409,
    );
  }

  private render(
    s: PageSession,
    step: Step,
    units: Units | undefined,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    status = 200,
    message?: string,
  ): PageResult {
    return page(
      <StepPage
        step={QUESTIONS[step - 1]!}
        fields={this.fields(step, units)}
        completed={s.row.step_completed}
        values={values}
        errors={errors}
        csrf={formToken(s.token)}
        units={units}
        message={message}
      />,
      status,
    );
  }

  /** The step's questions; step 1's in one system of units (the other's fields are left out). */
  private fields(step: Step, units?: Units): QuestionField[] {
    const all = QUESTIONS[step - 1]!.fields;
    return units ? all.filter((f) => !UNIT_FIELDS[OTHER_UNITS[units]].includes(f.name)) : all;
  }

  /** Height and weight in the chosen units are required (the API takes either system). */
  private missingUnitFields(fields: QuestionField[], input: Record<string, unknown>): ErrorDetail[] {
    return fields
      .filter(
        (f) => typeof f.required === 'string' && f.name !== 'height_in' && f.name !== 'deficit_percentage',
      )
      .filter((f) => input[f.name] === undefined)
      .map((f) => ({ field: f.name, constraint: 'required', message: `${f.name} is required` }));
  }

  private unitsOf(row: SessionRow, asked?: string): Units {
    if (asked === 'metric' || asked === 'imperial') return asked;
    if (row.profile.units === 'metric' || row.profile.units === 'imperial') return row.profile.units;
    const a = row.answers as Record<string, unknown>;
    return a.height_ft !== undefined || a.weight_lbs !== undefined ? 'imperial' : 'metric';
  }

  private submit(row: SessionRow, step: Step, dto: object) {
    switch (step) {
      case 1:
        return this.calculator.submitStep1(row, dto as Step1Dto);
      case 2:
        return this.calculator.submitStep2(row, dto as Step2Dto);
      case 3:
        return this.calculator.submitStep3(row, dto as Step3Dto);
      case 4:
        return this.calculator.submitStep4(row, dto as Step4Dto);
    }
  }
}
