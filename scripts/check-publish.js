'use strict';
// Run by `prepublishOnly`: refuses to publish a package whose manifest does not say where its
// source lives. The address is the owner's to give; a guessed one would send users (and npm's
// provenance check) to somebody else's repository, so the gap stops the release instead.
const fs = require('node:fs');
const path = require('node:path');

const manifestPath = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'package.json'));
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
if (typeof repository !== 'string' || repository.trim() === '') {
  console.error(`check-publish: ${manifestPath} has no "repository" field; add the project's real repository address before publishing`);
  process.exit(1);
}
console.log(`check-publish: repository ${repository}`);
