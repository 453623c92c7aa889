export * from './tracing.js';
export * from './queue-spans.js';
