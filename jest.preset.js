// Shared Jest settings for every project. Each project's jest.config.js picks one suite
// (unit, int or e2e) through the JEST_SUITE variable set by its package.json scripts.
const fs = require('node:fs');
const path = require('node:path');

const suites = {
  unit: { testMatch: ['**/*.spec.ts'], testTimeout: 10_000 },
  int: { testMatch: ['**/*.int-spec.ts'], testTimeout: 60_000 },
  e2e: { testMatch: ['**/*.e2e-spec.ts'], testTimeout: 180_000 },
};

/**
 * @param {string} projectDir absolute path of the project
 * @param {string} projectName name used for the JSON report
 */
function jestConfig(projectDir, projectName) {
  const suite = process.env.JEST_SUITE ?? 'unit';
  const chosen = suites[suite];
  if (!chosen) throw new Error(`JEST_SUITE must be one of ${Object.keys(suites).join(', ')}`);
  // Each run writes a JSON report here (see the package.json scripts); the totals line reads them.
  fs.mkdirSync(path.join(__dirname, 'reports/jest', suite), { recursive: true });
  return {
    rootDir: projectDir,
    displayName: `${projectName}:${suite}`,
    testEnvironment: 'node',
    // Resolve workspace libs to their TypeScript sources (see each lib's package.json exports).
    testEnvironmentOptions: { customExportConditions: ['@rc/source', 'node', 'require'] },
    testMatch: chosen.testMatch,
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    testTimeout: chosen.testTimeout,
    transform: {
      '^.+\\.(t|j|mj)s$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2023',
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    // cockatiel 4 and content-disposition 1 (used by @fastify/static) ship ESM only: swc turns them
    // into CommonJS for Jest's module system (Node itself loads them through require(esm)).
    transformIgnorePatterns: ['/node_modules/(?!(cockatiel|content-disposition)/)'],
    moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
    setupFiles: [path.join(__dirname, 'scripts/test/jest-env.js')],
  };
}

module.exports = { jestConfig };
