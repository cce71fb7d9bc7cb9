const { jestConfig } = require('../jest.preset.js');

const config = jestConfig(__dirname, require('./package.json').nx.name);
// The generator's templates and the services its integration test stamps out are not this
// project's tests.
config.testPathIgnorePatterns.push('/src/generators/[^/]+/files/', '/\\.generated/');
module.exports = config;
