// Two projects: unit specs beside the code, end-to-end suites in test/.
// Nest 12 ships ES modules; Jest loads them through Node's require(esm) (NODE_OPTIONS=--experimental-vm-modules).
const moduleNameMapper = {
  '^@lib/([a-z-]+)$': '<rootDir>/libs/$1/src',
  // tools/ are TypeScript run natively by Node 24 (type stripping) and import siblings as './x.ts'.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
    },
  ],
  collectCoverageFrom: ['{apps,libs}/**/*.ts', '!**/*.spec.ts', '!**/index.ts'],
  testTimeout: 30000,
};
