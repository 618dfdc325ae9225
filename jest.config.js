/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking happens once in `tsc --noEmit` (npm test); with isolatedModules in tsconfig, ts-jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  setupFiles: ['<rootDir>/test/support/builtin-validation.ts'],
  // One MariaDB server for the whole run (database tests); see test/support/mariadb.ts.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
