import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError, Forbidden } from '#libs/common';
import { CalculatorService, type SessionRow } from '#libs/calculator';
import { AppConfig } from '#libs/config';
import { formTokenMatches, postedFromHere, readSessionCookie } from './calculator-cookie.js';

/** The calculator session a page works on: its row and the secret from the cookie. */
export interface PageSession {
  row: SessionRow;
  token: string;
}

type PageRequest = FastifyRequest & { calculatorSession?: SessionRow; pageSession?: PageSession };

/** No (valid) session cookie: the pages send the browser to the calculator's start. */
export class NoPageSession extends AppError {
  constructor() {
    super(401, 'calculator_session_required', 'Start or resume the calculator first');
  }
}

/** A form post from elsewhere, or without this session's form token: refused, nothing changes. */
export class FormRefused extends Forbidden {
  constructor() {
    super('This form could not be accepted. Go back, reload the page and send it again.', 'form_refused');
  }
}

/**
 * The session behind the cookie; for a form post also the same-origin and form-token checks.
 * Sets `calculatorSession` as the API's SessionGuard does, so the same `late` rate-limit rules
 * (keyed by session) apply to the pages.
 */
@Injectable()
export class PageSessionGuard implements CanActivate {
  constructor(
    private readonly calculator: CalculatorService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<PageRequest>();
    const cookie = readSessionCookie(req);
    const row = cookie ? await this.calculator.authenticate(cookie.token, cookie.id) : null;
    if (!cookie || !row) throw new NoPageSession();
    if (req.method === 'POST') {
      const body = req.body as Record<string, unknown> | undefined;
      if (
        !postedFromHere(req, this.config.http.publicBaseUrl) ||
        !formTokenMatches(cookie.token, body?._csrf)
      ) {
        throw new FormRefused();
      }
    }
    req.calculatorSession = row;
    req.pageSession = { row, token: cookie.token };
    return true;
  }
}

/** The session a page guard found (PageSessionGuard before it). */
export const CurrentPageSession = createParamDecorator((_: unknown, ctx: ExecutionContext): PageSession => {
  const session = ctx.switchToHttp().getRequest<PageRequest>().pageSession;
  if (!session) throw new NoPageSession();
  return session;
});

/** A form post without a session (start, resume and report-link requests): same origin only. */
@Injectable()
export class SameOriginFormGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!postedFromHere(req, this.config.http.publicBaseUrl)) throw new FormRefused();
    return true;
  }
}
