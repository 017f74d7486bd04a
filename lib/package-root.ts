// package-root: the package's own directory, for files found beside the code (bin/, build/,
// prebuilds/). This file sits one level below it both as lib/package-root.ts and as
// dist/package-root.js, and every bundled entry is written to dist/ itself (scripts/bundle.js),
// so `..` of the running file is the package in all three layouts. Imports nothing.
import { resolve } from 'node:path';

export const PACKAGE_ROOT = resolve(__dirname, '..');
