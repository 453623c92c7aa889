export * from './payment-provider.js';
export * from './payments.module.js';
export * from './payments.service.js';
export * from './payments.entities.js';
export { tierIncludes } from './checkout-pages.js';
export type { PersonPayment } from './payments.repository.js';
