'use strict';
// Preloaded (`node -r`) by test/unit/lean-entries.test.ts. When the process exits it writes the
// files in require.cache, the Node built-ins loaded (process.moduleLoadList: require.cache does not
// hold them), and whether the addon's execve was called, as JSON to
// $RECORD_MODULES_OUT. The addon's execve exits the process instead of replacing it, so a drop-in
// run records everything it loaded up to the point where it would start the sandbox.
const { writeFileSync } = require('node:fs');

const out = process.env.RECORD_MODULES_OUT;
if (!out) throw new Error('record-loaded-modules: set RECORD_MODULES_OUT');
let execveCalled = false;

const dlopen = process.dlopen;
process.dlopen = function recordingDlopen(module, ...rest) {
  const result = dlopen.call(this, module, ...rest);
  if (module.exports && typeof module.exports.execve === 'function') {
    module.exports.execve = () => {
      execveCalled = true;
      process.exit(0);
    };
  }
  return result;
};

process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice('NativeModule '.length));
  writeFileSync(out, JSON.stringify({ modules: Object.keys(require.cache), builtins, execveCalled }));
});
