export * from './audit.module.js';
export * from './audit.service.js';
export * from './audit.types.js';
export * from './audit.entities.js';
export { auditInsertSql } from './audit-insert.js';
