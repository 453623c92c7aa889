export * from './install.js';
export * from './job-registry.js';
export * from './job-runner.service.js';
export * from './job.decorator.js';
export * from './queue.module.js';
export * from './queue.service.js';
export * from './request-context.js';
export * from './queue-metrics.js';
