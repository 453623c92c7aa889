export * from './buyer-data.service.js';
export * from './customer-data.service.js';
export * from './privacy-limits.js';
export * from './privacy.module.js';
export * from './privacy.entities.js';
