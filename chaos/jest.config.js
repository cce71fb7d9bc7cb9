const { jestConfig } = require('../jest.preset.js');

module.exports = jestConfig(__dirname, require('./package.json').nx.name);
