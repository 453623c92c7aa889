/**
 * One Jest run, three tiers: unit (`*.spec.ts` beside the code), integration (`test/integration`)
 * and e2e (`test/e2e`). One PostgreSQL server per run (embedded, or DATABASE_URL), migrated once
 * into a template; each test file gets its own database copied from it.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // Transpile only (no type check: that is `npm run typecheck`), as ES modules.
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^#libs/db/embedded$': '<rootDir>/libs/db/src/embedded-postgres.ts',
    '^#libs/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,libs,migrations,bench,scripts}/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: false,
};
