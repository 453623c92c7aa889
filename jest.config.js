/**
 * Three tiers, as Jest projects: `unit` (`*.spec.ts` beside the code; no database), `integration`
 * (`test/integration`) and `e2e` (`test/e2e`). The two database tiers share one PostgreSQL server
 * per run (embedded, or DATABASE_URL), migrated once into a template; each test file gets its own
 * database copied from it. `npm run test:unit` runs the unit project alone, without PostgreSQL.
 */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  // Transpile only (no type check: that is `npm run typecheck`), as ES modules.
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^#libs/db/embedded$': '<rootDir>/libs/db/src/embedded-postgres.ts',
    '^#libs/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
};
const withDatabase = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,migrations,bench,scripts}/**/*.spec.ts'],
    },
    {
      ...shared,
      ...withDatabase,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts'],
    },
    { ...shared, ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'] },
    {
      // The payment, webhook and report paths again, on a database pool of ONE connection with the
      // nested-acquire guard on: any code that holds a connection while asking for another fails
      // here (at once, with NestedAcquireError) instead of deadlocking a busy production pool.
      ...shared,
      ...withDatabase,
      displayName: 'pool-of-one',
      setupFiles: [...shared.setupFiles, '<rootDir>/test/support/pool-of-one.ts'],
      testMatch: [
        '<rootDir>/test/e2e/calculator.e2e.spec.ts',
        '<rootDir>/test/e2e/payments-stripe.e2e.spec.ts',
        '<rootDir>/test/e2e/reports.e2e.spec.ts',
        '<rootDir>/test/e2e/webhooks.e2e.spec.ts',
      ],
    },
  ],
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: false,
};
