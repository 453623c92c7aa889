export * from './calculator.module.js';
export type { SessionRow } from './calculator.repository.js';
export * from './calculator.service.js';
export * from './fields.js';
export * from './macros.js';
export * from './session.guard.js';
export type { Tier } from './tiers.repository.js';
export * from './tiers.service.js';
export * from './calculator.entities.js';
