import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  Conflict,
  NotFound,
  Unauthorized,
  ValidationFailed,
  newToken,
  sha256Hex,
  type ErrorDetail,
} from '#libs/common';
import { AppConfig } from '#libs/config';
import { MailService, resumeLinkMail } from '#libs/mail';
import { CalculatorRepository, type PersonSession, type SessionRow } from './calculator.repository.js';
import type { Step1Dto, Step2Dto, Step3Dto, Step4Dto } from './calculator.dto.js';
import type { Activity, DietType, Goal, Sex } from './fields.js';
import { computeMacros, feetInchesToCm, poundsToKg, type Macros } from './macros.js';
import { completionPercent } from './progress.js';
import { QUESTIONS } from './questions.js';
import { TiersRepository, type Tier } from './tiers.repository.js';
import { bodyWarnings, goalWarnings, healthWarnings, targetWarnings, type StepWarning } from './warnings.js';

export interface StepResult {
  step_completed: number;
  completion_percent: number;
  warnings: StepWarning[];
}

const RESUME_TOKEN_DAYS = 7;

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The 4-step calculator: sessions, drafts, ordered steps and server-side macros. */
@Injectable()
export class CalculatorService {
  constructor(
    private readonly db: DataSource,
    private readonly sessions: CalculatorRepository,
    private readonly tiers: TiersRepository,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async create(): Promise<{ id: string; session_token: string; step_completed: number }> {
    const token = newToken();
    const session = await this.sessions.create(sha256Hex(token));
    return { id: session.id, session_token: token, step_completed: session.step_completed };
  }

  /** The session a token opens (and, with `id`, only that session); null when none. */
  authenticate(token: string, id?: string): Promise<SessionRow | null> {
    return this.sessions.findByToken(sha256Hex(token), id);
  }

  view(s: SessionRow) {
    return {
      id: s.id,
      status: s.status,
      step_completed: s.step_completed,
      completion_percent: completionPercent(s.step_completed, s.answers),
      answers: s.answers,
      macros: s.macros,
      is_premium: s.is_premium,
      tier: s.tier,
      created_at: s.created_at.toISOString(),
      updated_at: s.updated_at.toISOString(),
    };
  }

  /** Called on every answer, so one round trip: the token is checked by the update itself. */
  async saveProgress(
    id: string,
    token: string,
    patch: Record<string, unknown>,
  ): Promise<{ completion_percent: number; step_completed: number }> {
    const clean = definedOnly(patch);
    const email = typeof clean.email === 'string' ? clean.email.trim().toLowerCase() : null;
    const updated = await this.sessions.mergeAnswers(id, sha256Hex(token), clean, email);
    if (updated) {
      return {
        completion_percent: completionPercent(updated.step_completed, updated.answers),
        step_completed: updated.step_completed,
      };
    }
    // Rare path: say why.
    if (!(await this.authenticate(token, id))) {
      throw new Unauthorized('Invalid session token for this session', 'invalid_session_token');
    }
    throw this.locked();
  }

  questions() {
    return { steps: QUESTIONS };
  }

  listTiers(): Promise<Tier[]> {
    return this.tiers.listActive();
  }

  /** Checkout opened: the session shows a pending payment for `tierCode` (only while unpaid). */
  markPaymentPending(sessionId: string, tierCode: string): Promise<void> {
    return this.sessions.markPaymentPending(sessionId, tierCode);
  }

  /** The paid transition's first step, in the caller's transaction: the session, locked. */
  lockForPayment(manager: EntityManager, sessionId: string): Promise<SessionRow | null> {
    return this.sessions.lockById(manager, sessionId);
  }

  /** The paid transition, in the caller's transaction: the session is paid for and no longer editable. */
  markPaid(manager: EntityManager, sessionId: string, tierCode: string): Promise<void> {
    return this.sessions.markPaid(manager, sessionId, tierCode);
  }

  /** What an address entered, every session (a person's copy of their data). */
  sessionsOf(manager: EntityManager, email: string): Promise<PersonSession[]> {
    return this.sessions.ofEmail(manager, email.trim().toLowerCase());
  }

  /** The token digests of sessions (their idempotency rows are scoped by them). */
  tokenHashesOf(manager: EntityManager, ids: string[]): Promise<string[]> {
    return this.sessions.tokenHashes(manager, ids);
  }

  /** Erasure, in the caller's transaction: the sessions, their tokens and claims (payments unlinked before). */
  eraseSessions(manager: EntityManager, ids: string[]): Promise<number> {
    return ids.length ? this.sessions.deleteSessions(manager, ids) : Promise.resolve(0);
  }

  /** Retention: unpaid sessions untouched since `before`. */
  unpaidSince(manager: EntityManager, before: Date, limit: number) {
    return this.sessions.unpaidSince(manager, before, limit);
  }

  /** Always succeeds (no account enumeration); mails a link when an in-progress session exists. */
  async requestResume(email: string): Promise<void> {
    const address = email.trim().toLowerCase();
    const session = await this.sessions.newestInProgressByEmail(address);
    if (!session) return;
    const token = newToken();
    // a query string (not a fragment), so the calculator's pages open it without script; the request
    // log redacts session_token, and /resume trades it for a cookie and redirects it away at once
    const link = `${this.config.calculator.appUrl}/resume?session_id=${session.id}&session_token=${token}`;
    await this.db.transaction(async (manager) => {
      await this.sessions.addToken(
        manager,
        session.id,
        sha256Hex(token),
        'resume',
        new Date(Date.now() + RESUME_TOKEN_DAYS * 86_400_000),
      );
      await this.mail.send('calculator.resume', address, resumeLinkMail(link), manager);
    });
  }

  submitStep1(session: SessionRow, dto: Step1Dto): Promise<StepResult> {
    const details: ErrorDetail[] = [];
    const metricHeight = dto.height_cm !== undefined;
    const imperialHeight = dto.height_ft !== undefined || dto.height_in !== undefined;
    if (metricHeight === imperialHeight) {
      details.push({
        field: 'height_cm',
        message: 'give height_cm, or height_ft with height_in, but not both',
      });
    } else if (imperialHeight && dto.height_ft === undefined) {
      details.push({ field: 'height_ft', message: 'height_ft is required with height_in' });
    }
    if ((dto.weight_kg !== undefined) === (dto.weight_lbs !== undefined)) {
      details.push({ field: 'weight_kg', message: 'give weight_kg or weight_lbs, but not both' });
    }
    if (details.length) throw new ValidationFailed('The request is not valid', details);
    const heightCm = metricHeight ? dto.height_cm! : feetInchesToCm(dto.height_ft!, dto.height_in ?? 0);
    const weightKg = dto.weight_kg ?? poundsToKg(dto.weight_lbs!);
    if (heightCm < 120 || heightCm > 230) {
      throw new ValidationFailed('The request is not valid', [
        { field: 'height_ft', message: 'height must be between 120 and 230 cm' },
      ]);
    }
    const profile = {
      sex: dto.sex,
      age: dto.age,
      // Unrounded: protein is 0.7 g per lb, and 185 lb must stay 185 lb through the conversion.
      height_cm: heightCm,
      weight_kg: weightKg,
      units: metricHeight && dto.weight_kg !== undefined ? 'metric' : 'imperial',
    };
    return this.saveStep(session, 1, definedOnly({ ...dto }), profile, bodyWarnings(profile));
  }

  submitStep2(session: SessionRow, dto: Step2Dto): Promise<StepResult> {
    if (dto.goal !== 'maintain' && dto.deficit_percentage === undefined) {
      throw new ValidationFailed('The request is not valid', [
        {
          field: 'deficit_percentage',
          message: `deficit_percentage (5–35) is required when the goal is to ${dto.goal}`,
        },
      ]);
    }
    const profile = {
      lifestyle_activity: dto.lifestyle_activity,
      exercise_frequency: dto.exercise_frequency,
      goal: dto.goal,
      deficit_percentage: dto.goal === 'maintain' ? null : dto.deficit_percentage,
      diet_type: dto.diet_type,
    };
    return this.saveStep(session, 2, definedOnly({ ...dto }), profile, goalWarnings({ ...dto }));
  }

  async submitStep3(session: SessionRow, dto: Step3Dto): Promise<StepResult & Macros> {
    const profile = { body_fat_percent: dto.body_fat_percent ?? null };
    return (await this.saveStep(session, 3, definedOnly({ ...dto }), profile, [])) as StepResult & Macros;
  }

  submitStep4(session: SessionRow, dto: Step4Dto): Promise<StepResult> {
    const profile = {
      ...definedOnly({ ...dto }),
      email: dto.email.trim().toLowerCase(),
      first_name: dto.first_name.trim(),
      last_name: dto.last_name.trim(),
    };
    const diet = (session.profile.diet_type as string | undefined) ?? undefined;
    return this.saveStep(session, 4, definedOnly({ ...dto }), profile, healthWarnings(dto, diet));
  }

  /**
   * Stores a submitted step: steps go in order (n needs n − 1), a paid session is frozen, and the
   * macros are recomputed when step 3 is (re)submitted or steps 1–2 change after it. Optimistic
   * concurrency: the write succeeds only if the session is unchanged since it was read, else it
   * is read again and recomputed.
   */
  private async saveStep(
    session: SessionRow,
    step: number,
    answers: Record<string, unknown>,
    profile: Record<string, unknown>,
    stepWarnings: StepWarning[],
  ): Promise<StepResult & Partial<Macros>> {
    let current: SessionRow | null = session;
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      if (current.status !== 'in_progress') throw this.locked();
      if (current.step_completed < step - 1) {
        throw new Conflict(
          `Complete step ${current.step_completed + 1} before step ${step}`,
          'step_out_of_order',
        );
      }
      const merged = { ...current.profile, ...profile };
      let macros = current.macros;
      let warnings = stepWarnings;
      if (step === 3 || (step < 3 && current.step_completed >= 3)) {
        macros = computeMacros({
          sex: merged.sex as Sex,
          age: merged.age as number,
          heightCm: merged.height_cm as number,
          weightKg: merged.weight_kg as number,
          activity: merged.lifestyle_activity as Activity,
          goal: merged.goal as Goal,
          adjustmentPercent: (merged.deficit_percentage as number | null) ?? undefined,
          diet: merged.diet_type as DietType,
          bodyFatPercent: (merged.body_fat_percent as number | null) ?? undefined,
        });
        if (step === 3) warnings = [...warnings, ...targetWarnings(merged.sex as string, macros)];
      }
      const stepCompleted = Math.max(current.step_completed, step);
      const email = typeof profile.email === 'string' ? profile.email : null;
      if (
        await this.sessions.saveStepIfUnchanged(current.id, current.row_version, {
          answers,
          profile,
          stepCompleted,
          macros,
          email,
        })
      ) {
        const result: StepResult = {
          step_completed: stepCompleted,
          completion_percent: completionPercent(stepCompleted, { ...current.answers, ...answers }),
          warnings,
        };
        return step === 3 && macros ? { ...macros, ...result } : result;
      }
      current = await this.sessions.findById(current.id);
    }
    if (!current) throw new NotFound('Session');
    throw new Conflict('The session changed while saving; try again', 'concurrent_update');
  }

  private locked(): Conflict {
    return new Conflict('This session is paid for and can no longer change', 'session_locked');
  }
}
