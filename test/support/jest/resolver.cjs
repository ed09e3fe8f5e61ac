/**
 * Jest on Node < 24.9 cannot require() an ES module from a CommonJS one (Node itself can, since
 * 20.19). @nestjs/throttler is CommonJS and requires @nestjs/common and @nestjs/core, which are
 * ES modules: for requires from that package only, this resolver answers a CommonJS stand-in
 * that hands over the very ES module instances the app imports (set by nest-esm.ts), so there is
 * one @nestjs/common in the test as in production. Every other request resolves as usual.
 */
const { join } = require('node:path');

const STAND_INS = { '@nestjs/common': 'nest-common.cjs', '@nestjs/core': 'nest-core.cjs' };
const FROM_CJS_NEST_PACKAGE = /[\\/]node_modules[\\/]@nestjs[\\/]throttler[\\/]/;

module.exports = (request, options) => {
  if (STAND_INS[request] && FROM_CJS_NEST_PACKAGE.test(options.basedir)) return join(__dirname, STAND_INS[request]);
  return options.defaultResolver(request, options);
};
