// The addon as a musl system loads it: test/fixtures/napi-fake/harness.c, a dynamically linked
// musl program standing in for Node, dlopens the build this checkout loads (build/Release, or
// the prebuild) with RTLD_NOW under /lib/ld-musl-x86_64.so.1, so any import that musl's loader
// cannot bind (a glibc symbol, a symbol version) fails the load. Its answers must be the ones
// the same file gives in this Node, and its execve must replace the musl process. The tarball's
// linux-x64 prebuild goes through the same check in test/package/pack-install.test.ts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addonPath, libcFromMaps } from '../../../lib/native';
import { failingSyscallArgs } from '../../helpers/failing-syscall';
import { buildMuslHarness, harnessProbe, MUSL_LOADER, muslHarnessMissing, nodeProbe } from '../../helpers/musl-harness';
import { makeTempDir } from '../../helpers/temp';
import { addonBuild } from './helper-gyp';

const missing = muslHarnessMissing();
const skip = missing !== '' && process.env.CI !== 'true';
const title = (text: string) => (skip ? `${text} [skipped: ${missing}]` : text);

describe.skipIf(skip)(title('the addon under musl'), () => {
  // Made in beforeAll, not here: a skipped describe still runs its body, and would leave it behind.
  let tmp: ReturnType<typeof makeTempDir> | undefined;
  let harness = '';
  let addon = '';
  beforeAll(() => {
    tmp = makeTempDir('musl');
    harness = buildMuslHarness(tmp.path, addonBuild().nodeInclude);
    addon = addonPath();
  });
  afterAll(() => tmp?.remove());

  it("the harness is a dynamic musl program: musl's loader is its interpreter", () => {
    const headers = spawnSync('readelf', ['-lW', harness], { encoding: 'utf8' }).stdout;
    expect(headers).toContain(`[Requesting program interpreter: ${MUSL_LOADER}]`);
    expect(readFileSync(harness).subarray(0, 4).toString('latin1')).toBe('\u007fELF');
  });

  it('loads with every import bound, beside musl and no glibc', () => {
    const r = spawnSync(harness, [addon, 'maps'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(libcFromMaps(r.stdout)).toBe('musl');
    expect(r.stdout).not.toMatch(/\/(libc\.so\.6|ld-linux-[^/\s]*|libstdc\+\+[^/\s]*)$/m);
    expect(r.stdout).toContain(addon);
  });

  it('its exports, probes and argument errors answer as the same file does in Node', () => {
    const fromMusl = harnessProbe(harness, addon);
    expect(fromMusl).toEqual(nodeProbe(addon));
    expect(fromMusl[2]).toMatchObject({ ok: true, filter: true });
  });

  it('execve replaces the musl process with the program, argv and environment given', () => {
    const r = spawnSync(harness, [addon, 'exec', '/bin/sh', 'sh', '-c', 'echo "$0 $CSBX_FROM"'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('sh musl\n');
    expect(r.status).toBe(0);
  });

  // Node itself cannot start without getrandom, so only the harness can show this.
  it('with getrandom failing, the stack guard is not filled and the addon refuses to register, naming the errno', () => {
    const EPERM = 1;
    const r = spawnSync('python3', failingSyscallArgs('getrandom', EPERM, [harness, addon, 'probe']), { encoding: 'utf8' });
    expect(r.stderr).toBe('harness: napi_register_module_v1 failed: codex-sandbox addon: getrandom for the stack protector: Operation not permitted (errno 1)\n');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });
});
