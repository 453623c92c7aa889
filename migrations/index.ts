import { Foundation1795219200000 } from './1795219200000-foundation.js';

/** Every migration, oldest first. A landed migration is never edited: add a new one. */
export const MIGRATIONS = [Foundation1795219200000];
