/**
 * Domain exceptions. Services throw these (never HTTP types); one global filter turns them, and
 * everything else, into the single error shape:
 *   {"error": {"code", "message", "details"}, "request_id"}
 */
export interface ErrorDetail {
  field?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  constructor(message = 'The request is not valid', details: ErrorDetail[] = [], code = 'validation_failed') {
    super(400, code, message, details);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'Authentication is required', code = 'unauthorized') {
    super(401, code, message, [], { 'www-authenticate': 'Bearer' });
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You may not do this', code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFound extends AppError {
  constructor(what = 'Resource', code = 'not_found') {
    super(404, code, `${what} not found`);
  }
}

export class Conflict extends AppError {
  constructor(message: string, code = 'conflict', details: ErrorDetail[] = []) {
    super(409, code, message, details);
  }
}

export class Gone extends AppError {
  constructor(message = 'This resource is no longer available', code = 'gone') {
    super(410, code, message);
  }
}

export class PayloadTooLarge extends AppError {
  constructor(message = 'The request body is too large', code = 'payload_too_large') {
    super(413, code, message);
  }
}

export class UnsupportedMediaType extends AppError {
  constructor(message = 'Unsupported content type', code = 'unsupported_media_type') {
    super(415, code, message);
  }
}

export class Unprocessable extends AppError {
  constructor(message: string, code = 'unprocessable_entity', details: ErrorDetail[] = []) {
    super(422, code, message, details);
  }
}

export class RateLimited extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests; try again later',
  ) {
    super(
      429,
      'rate_limited',
      message,
      [{ message: `retry after ${retryAfterSeconds} s`, retry_after: retryAfterSeconds }],
      {
        'retry-after': String(retryAfterSeconds),
      },
    );
  }
}

export class ServiceUnavailable extends AppError {
  constructor(
    message = 'Service temporarily unavailable',
    code = 'service_unavailable',
    retryAfterSeconds = 5,
  ) {
    super(503, code, message, [], { 'retry-after': String(retryAfterSeconds) });
  }
}

/**
 * A stored response replayed verbatim (idempotency): `json` is the exact text first sent, so the
 * replay is byte for byte the original; rendered as-is by the error filter.
 */
export class StoredResponse extends Error {
  constructor(
    readonly status: number,
    readonly json: string,
    readonly headers: Record<string, string> = {},
  ) {
    super('stored response');
  }
}
