export * from './allergens.js';
export * from './diet-tags.js';
export * from './vocabulary.js';
export * from './markdown.js';
