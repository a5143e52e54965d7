// CommonJS face of native-addon.ts: classic-level calls require('node-gyp-build')(dir).
module.exports = require("./native-addon.ts").default;
