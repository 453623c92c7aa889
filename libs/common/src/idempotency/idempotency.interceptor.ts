import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, catchError, from, mergeMap } from 'rxjs';
import { sha256Hex } from '../crypto/tokens.js';
import { ValidationFailed } from '../errors/app-error.js';
import { renderError } from '../errors/error-response.js';
import { clientIp } from '../http/client-ip.js';
import {
  IDEMPOTENCY_REPLAY_METADATA,
  REPLAY_AUDIT,
  type ReplayAudit,
  type ReplayPolicy,
} from './idempotency.decorator.js';
import { applyHits, type ApplicableRules, type DeferredRateLimit } from '../rate-limit/apply-hits.js';
import { MUTATING, modeOf } from './idempotency-key.js';
import { RateLimitRepository } from '../rate-limit/rate-limit.repository.js';
import type { IdempotencyClaim } from './idempotency.repository.js';
import { idempotentReplays } from '../http/counters.js';
import { IdempotencyService } from './idempotency.service.js';

type ScopedRequest = FastifyRequest & { auth?: ReplayActor; platformAdmin?: boolean };
type ReplayActor = Parameters<ReplayAudit['record']>[0];

/**
 * Who a key belongs to: the authenticated tenant, the platform admin, the calculator session, else
 * (anonymous) the client address — the one scope that can hold two clients. Nothing in it can be
 * read back: a session token and an address are stored as digests.
 */
export function idempotencyScope(req: FastifyRequest, digest: (value: string) => string): string {
  const r = req as ScopedRequest;
  if (r.auth?.vendorId) return `vendor:${r.auth.vendorId}`;
  if (r.platformAdmin) return 'platform-admin';
  const session = req.headers['x-session-token'];
  if (typeof session === 'string' && session) return `session:${sha256Hex(session)}`;
  return `ip:${digest(clientIp(req))}`;
}

/**
 * The route as declared (`/api/v1/reports/:token`), never the URL as sent: a URL can carry a report
 * token, a checkout id or a customer id, and idempotency rows outlive the request by a day.
 */
function routePattern(req: FastifyRequest): string {
  return req.routeOptions?.url ?? 'unmatched';
}

function requestBytes(req: FastifyRequest): Buffer {
  const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody;
  const body = raw ?? Buffer.from(JSON.stringify(req.body ?? null));
  return Buffer.concat([Buffer.from(`${req.method} ${req.url}\n`), body]);
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private replayAudit?: ReplayAudit;

  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
    private readonly moduleRef: ModuleRef,
    private readonly counters: RateLimitRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!MUTATING.has(req.method)) return next.handle();
    const mode = modeOf(this.reflector, context);
    if (mode === 'off') return next.handle();
    const header = req.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined) {
      if (mode === 'required') {
        throw new ValidationFailed(
          'This request needs an Idempotency-Key header',
          [],
          'idempotency_key_required',
        );
      }
      return next.handle();
    }
    IdempotencyService.validateKey(key);
    const scope = idempotencyScope(req, (ip) => this.idempotency.digest('idempotency-scope', ip));
    const successStatus =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (req.method === 'POST' ? 201 : 200);
    const claim = {
      scope,
      key,
      method: req.method,
      path: routePattern(req),
      fingerprint: this.idempotency.digest('idempotency-fingerprint', requestBytes(req)),
    };
    const policy =
      this.reflector.get<ReplayPolicy | undefined>(IDEMPOTENCY_REPLAY_METADATA, context.getHandler()) ?? {};
    // A secret is never replayed to a caller known only by its address; an erasure's names never.
    const replayable = !(policy.secret && scope.startsWith('ip:')) && !policy.erasure;

    // the last guard may have left its rate-limit hits to be counted with the claim (one round trip)
    const deferred = (req as DeferredRateLimit).deferredRateLimit;
    const begin = deferred
      ? this.idempotency.begin(claim, (c) => this.countAndClaim(context, deferred, c))
      : this.idempotency.begin(claim);
    return from(begin).pipe(
      mergeMap(async (begin) => {
        if (begin.kind === 'run') return begin;
        idempotentReplays.inc({ route: `${req.method} ${claim.path}` });
        if (policy.auditAs)
          await this.auditReplay(
            req as ScopedRequest,
            policy.auditAs,
            begin.response.json ? JSON.parse(begin.response.json) : null,
          );
        throw begin.response;
      }),
      mergeMap(() => {
        return next.handle().pipe(
          mergeMap(async (body) => {
            await this.idempotency.finish(scope, key, successStatus, body, replayable);
            return body;
          }),
          catchError(async (err: unknown) => {
            const rendered = renderError(err, String(req.id));
            await this.idempotency.finish(scope, key, rendered.status, rendered.body).catch(() => undefined);
            throw err;
          }),
        );
      }),
    );
  }

  /** Counts the deferred rate-limit hits with the first claim; a rule over its limit is the 429. */
  private async countAndClaim(
    context: ExecutionContext,
    applicable: ApplicableRules,
    claim: IdempotencyClaim,
  ): Promise<boolean> {
    const { hits, claimed } = await this.counters.hitAndClaim(
      applicable.map((a) => ({ bucket: a.bucket, windowSeconds: a.rule.windowSeconds, limit: a.rule.limit })),
      claim,
    );
    applyHits(context.switchToHttp().getResponse<FastifyReply>(), applicable, hits);
    return claimed;
  }

  /** A replayed health response is a read of health data: audited like one. */
  private async auditReplay(
    req: ScopedRequest,
    as: { action: string; entity: string },
    body: unknown,
  ): Promise<void> {
    if (!req.auth) return;
    this.replayAudit ??= this.moduleRef.get<ReplayAudit>(REPLAY_AUDIT, { strict: false });
    const bodyId = (body as { id?: unknown } | null)?.id;
    const entityId =
      (req.params as Record<string, string> | undefined)?.id ?? (typeof bodyId === 'string' ? bodyId : null);
    await this.replayAudit.record(req.auth, {
      action: as.action,
      entity: as.entity,
      entityId,
      after: { idempotent_replay: true },
    });
  }
}
