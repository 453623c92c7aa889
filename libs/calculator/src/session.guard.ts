import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Unauthorized, ValidationFailed, UUID_PATTERN } from '#libs/common';
import type { SessionRow } from './calculator.repository.js';
import { CalculatorService } from './calculator.service.js';

type SessionRequest = FastifyRequest & { calculatorSession?: SessionRow };

/**
 * A rate-limit key: the calculator session behind the token (not the token: each resume link is a
 * new token for the same session). A `late` rule, counted after SessionGuard.
 */
export const bySessionId = (req: FastifyRequest): string | undefined =>
  (req as SessionRequest).calculatorSession?.id;

/**
 * X-Session-Token opens one calculator session. The session is the one named in the path (`:id`)
 * or body (`session_id`) when given — the token must belong to it — else the token's own session.
 * Unknown token, or a session it does not open: 401 (no hint whether the session exists).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(private readonly calculator: CalculatorService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SessionRequest>();
    const token = req.headers['x-session-token'];
    if (typeof token !== 'string' || token.length === 0) {
      throw new Unauthorized(
        'Send the session token in the X-Session-Token header',
        'session_token_required',
      );
    }
    if (token.length > 200) throw new Unauthorized('Invalid session token', 'invalid_session_token');
    const named =
      (req.params as Record<string, string> | undefined)?.id ??
      (req.body as Record<string, unknown> | undefined)?.session_id;
    const id = typeof named === 'string' && UUID_PATTERN.test(named) ? named : undefined;
    if (named !== undefined && id === undefined) {
      throw new ValidationFailed('The request is not valid', [
        {
          field: req.params && 'id' in (req.params as object) ? 'id' : 'session_id',
          message: 'must be a UUID',
        },
      ]);
    }
    const session = await this.calculator.authenticate(token, id);
    if (!session) throw new Unauthorized('Invalid session token for this session', 'invalid_session_token');
    req.calculatorSession = session;
    return true;
  }
}

function sessionToken(req: FastifyRequest): string {
  const token = req.headers['x-session-token'];
  if (typeof token !== 'string' || token.length === 0) {
    throw new Unauthorized('Send the session token in the X-Session-Token header', 'session_token_required');
  }
  if (token.length > 200) throw new Unauthorized('Invalid session token', 'invalid_session_token');
  return token;
}

/** The raw X-Session-Token, for routes that check it inside their own query (save-progress). */
export const SessionToken = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  sessionToken(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

export const CurrentSession = createParamDecorator((_: unknown, ctx: ExecutionContext): SessionRow => {
  const session = ctx.switchToHttp().getRequest<SessionRequest>().calculatorSession;
  if (!session) throw new Unauthorized('Invalid session token', 'invalid_session_token');
  return session;
});
