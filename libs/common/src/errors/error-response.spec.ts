import { BadRequestException, NotFoundException } from '@nestjs/common';
import { Gone, RateLimited, StoredResponse, ValidationFailed } from './app-error.js';
import { renderError } from './error-response.js';

describe('renderError', () => {
  it('renders domain errors in the one shape with the request id', () => {
    const r = renderError(new ValidationFailed('bad', [{ field: 'age', message: 'too low' }]), 'req-1');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: { code: 'validation_failed', message: 'bad', details: [{ field: 'age', message: 'too low' }] },
      request_id: 'req-1',
    });
  });

  it('carries Retry-After on 429 and a specific code on 410', () => {
    const limited = renderError(new RateLimited(42), 'r');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('42');
    expect(renderError(new Gone('expired', 'report_expired'), 'r').body).toMatchObject({
      error: { code: 'report_expired' },
    });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(renderError(new NotFoundException('Cannot GET /x'), 'r')).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found', message: 'Cannot GET /x' } },
    });
    expect(renderError(new BadRequestException(['a', 'b']), 'r').body).toMatchObject({
      error: { message: 'a; b' },
    });
  });

  it('maps Fastify body errors', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(renderError(tooLarge, 'r')).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    const media = Object.assign(new Error('Unsupported Media Type'), {
      statusCode: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    });
    expect(renderError(media, 'r').status).toBe(415);
    const json = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    expect(renderError(json, 'r').body).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('never discloses internals of unexpected errors', () => {
    const r = renderError(new Error('password=hunter2 at db.ts:12'), 'r');
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('hunter2');
    expect(r.body).toMatchObject({ error: { code: 'internal_error', message: 'Internal server error' } });
  });

  it('replays stored responses verbatim', () => {
    const stored = new StoredResponse(201, '{"id":1,"a":null}', { 'idempotent-replayed': 'true' });
    expect(renderError(stored, 'other')).toEqual({
      status: 201,
      body: '{"id":1,"a":null}',
      headers: { 'idempotent-replayed': 'true', 'content-type': 'application/json; charset=utf-8' },
    });
  });
});
