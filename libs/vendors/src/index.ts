export * from './auth/principal.js';
export * from './auth/vendor-auth.guard.js';
export * from './auth/vendor-auth.service.js';
export * from './deterministic-id.js';
export * from './vendors-http.module.js';
export * from './vendors.module.js';
export type { VendorProfile, VendorRow } from './vendors.repository.js';
export * from './vendors.service.js';
