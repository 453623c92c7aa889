export * from './bookkeeping-pool.js';
export * from './data-source.js';
export * from './db.module.js';
export * from './migrator.js';
export * from './tenant-scope.js';
export * from './schema-owner-db.js';
export * from './typed-sql.js';
export * from './entities/index.js';
