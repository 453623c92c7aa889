export * from './calculator.module.js';
export * from './calculator.repository.js';
export * from './calculator.service.js';
export * from './fields.js';
export * from './macros.js';
export * from './session.guard.js';
export * from './tiers.repository.js';
