export * from './customer.types.js';
export * from './customers-http.module.js';
export * from './customers.module.js';
export * from './customers.service.js';
export * from './diet-rules.service.js';
export * from './health-profile.service.js';
export * from './matches.service.js';
export * from './matching.js';
