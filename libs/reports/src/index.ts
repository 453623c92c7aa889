export * from './composer/composer.js';
export * from './composer/report-input.js';
export * from './generation/report-generation.service.js';
export * from './report-links.js';
export * from './reports.module.js';
export type { ReportRow } from './reports.repository.js';
export * from './reports.service.js';
export * from './document/render-html.js';
export { REPORT_CSS_HASH } from './document/stylesheet.js';
