// Lint rules for the whole workspace: typescript-eslint's type-aware rules plus Nx module
// boundaries. Tags live in each project's package.json ("nx.tags"):
//   scope:service  -> a deployable service; may depend on libs only, never on another service
//   scope:shared   -> a lib any project may use
//   scope:e2e      -> cross-service suites; drive services over HTTP/Kafka, may use shared libs
//   scope:deploy   -> deployment assets (deploy/k8s, deploy/aws) and their tests; shared libs only
//   type:app | type:lib | type:contracts | type:e2e | type:deploy
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

// A service's layers point inward only (docs/SERVICE-TEMPLATE.md): api → application, domain;
// application → domain; domain → nothing of the service; infrastructure → application, domain.
// What joins an edge (api) to the adapters (infrastructure) is wired at the service's root
// (<name>.module.ts, <name>.workers.ts). Unit tests (*.spec.ts) may compose layers.
const LAYER_MAY_NOT_IMPORT = {
  api: ['infrastructure'],
  application: ['api', 'infrastructure'],
  domain: ['api', 'application', 'infrastructure'],
  infrastructure: ['api'],
};
const layerRules = Object.entries(LAYER_MAY_NOT_IMPORT).map(([layer, forbidden]) => ({
  files: [`services/*/src/${layer}/**/*.ts`, `tools/.generated/**/src/${layer}/**/*.ts`],
  ignores: ['**/*.spec.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
            message: `layer break: ${layer}/ may not import ${forbidden.join('/ or ')}/ (layers point inward: api → application → domain ← infrastructure); wire it at the service's root module`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      'reports/**',
      '.nx/**',
      '.tools/**',
      '.infra/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
            // deploy/k8s and deploy/aws: read the shared libs (topics, config helpers) to check
            // the manifests against the code; never a service (those are read as files).
            { sourceTag: 'scope:deploy', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests drive real objects through loosely-typed JSON (HTTP bodies, Kafka payloads).
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test/**/*.ts',
      '**/bench/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Test habits that guard themselves: a focused or skipped test, a test without an
    // assertion, two tests with one title or an expect() that is never awaited all pass
    // CI while checking less than it says. A deliberate skip carries an
    // eslint-disable-next-line comment that gives the reason.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    plugins: { jest },
    languageOptions: { globals: jest.environments.globals.globals },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-identical-title': 'error',
      'jest/valid-expect': 'error',
      'jest/expect-expect': [
        'error',
        {
          // A helper that wraps expect() is named expect* (expectSuccess in the generator suite)
          // so it counts as an assertion. waitFor() is not one: it also waits in Arrange steps.
          assertFunctionNames: ['expect', 'expect*'],
        },
      ],
    },
  },
  ...layerRules,
  prettier,
);
