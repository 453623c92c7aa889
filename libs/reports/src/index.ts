export * from './composer/composer.js';
export * from './composer/report-input.js';
export * from './generation/report-generation.service.js';
export * from './report-links.js';
export * from './reports.module.js';
export * from './reports.repository.js';
