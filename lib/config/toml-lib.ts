// config/toml-lib: loads smol-toml. It ships ESM types but a CommonJS build, and this package
// compiles to CommonJS, so a static import is rejected by TypeScript (TS1479); require() with the
// module's own types gets the CommonJS build with full typing.
const toml: typeof import('smol-toml', { with: { 'resolution-mode': 'import' }}) = require('smol-toml');

export const parseToml = toml.parse;
export const stringifyToml = toml.stringify;
export const TomlError = toml.TomlError;
