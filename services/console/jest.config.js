const { jestConfig } = require('../../jest.preset.js');

const base = jestConfig(__dirname, require('./package.json').nx.name);
const swc = base.transform['^.+\\.(t|j|mj)s$'];

// The shared preset, plus the front end's component tests (web/src/**/*.spec.tsx, jsdom by a
// docblock in each file): TSX through the same SWC transform with React's automatic runtime,
// and style imports stubbed.
module.exports = {
  ...base,
  testMatch: [...base.testMatch, ...base.testMatch.map((m) => `${m}x`)],
  moduleFileExtensions: ['tsx', ...base.moduleFileExtensions],
  moduleNameMapper: { '\\.css$': '<rootDir>/web/test/style-stub.js' },
  setupFiles: [...base.setupFiles, '<rootDir>/web/test/jsdom-setup.js'],
  transform: {
    ...base.transform,
    '^.+\\.tsx$': [
      swc[0],
      {
        ...swc[1],
        jsc: {
          ...swc[1].jsc,
          parser: { syntax: 'typescript', tsx: true, decorators: true },
          transform: { ...swc[1].jsc.transform, react: { runtime: 'automatic' } },
        },
      },
    ],
  },
};
