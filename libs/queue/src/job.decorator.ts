import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import type { JobName, JobPayloads } from './job-registry.js';

export const JOB_HANDLER_METADATA = 'queue:job-handler';

export interface JobContext {
  id: string;
  name: JobName;
  /** 0 on the first attempt. */
  retryCount: number;
  /** True when a failure now is final (no retry left). */
  lastAttempt: boolean;
}

/** A job handler: validate the payload, call a service. Must be idempotent (it may run twice). */
export interface JobHandler<N extends JobName> {
  handle(data: JobPayloads[N], context: JobContext): Promise<void>;
}

/** Marks a provider as the handler of one queue; the worker discovers it at start-up. */
export const Job = (name: JobName): ClassDecorator =>
  applyDecorators(Injectable(), SetMetadata(JOB_HANDLER_METADATA, name));

/** Thrown by a handler when retrying cannot help: the job goes straight to its dead-letter queue. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
