/**
 * The `pool-of-one` Jest project: every app a test builds through testConfig() gets a database pool
 * of one connection and the nested-acquire guard (test/support/database.ts reads these).
 */
process.env.TEST_DATABASE_POOL_MAX = '1';
process.env.TEST_NESTED_ACQUIRE_GUARD = 'true';
