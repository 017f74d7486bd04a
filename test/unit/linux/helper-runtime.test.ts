// The helper links no C library (native/linux/helper-sys.h). These checks keep it that way: its
// sources include only kernel and compiler headers, the built executable is a static PIE with no
// interpreter, no shared libraries and no C library symbol, and its own errno texts are worded
// exactly as the system's strerror words them, so its messages read as they did with glibc.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { helperPath } from '../../../lib/native';
import { failingSyscallArgs } from '../../helpers/failing-syscall';
import { withTempDir } from '../../helpers/temp';
import { helperBuild, REPO } from './helper-gyp';

const NATIVE = join(REPO, 'native/linux');

function helperOrNull(): string | null {
  try {
    const path = helperPath();
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function tool(name: string, args: string[]): string {
  const r = spawnSync(name, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('helper runtime layer', () => {
  it('every helper source is built, and includes only kernel UAPI and freestanding compiler headers', () => {
    const build = helperBuild();
    const files = readdirSync(NATIVE).filter((f) => f.startsWith('helper-'));
    const sources = files.filter((f) => f.endsWith('.cc')).map((f) => `native/linux/${f}`);
    expect(sources.filter((f) => !build.sources.includes(f))).toEqual([]);
    const local = new Set([...files, 'landlock-compat.h']);
    for (const file of [...files, 'landlock-compat.h']) {
      const text = readFileSync(join(NATIVE, file), 'utf8');
      for (const m of text.matchAll(/^#include\s+([<"])([^>"]+)[>"]/gm)) {
        const [, kind, name] = m;
        if (kind === '"') {
          expect(local.has(name) || ['../common/exit-status.h', '../common/native-abi.h'].includes(name), `${file}: ${name}`).toBe(true);
        } else {
          expect(/^(linux|asm|asm-generic)\/[\w/-]+\.h$/.test(name) || ['stddef.h', 'stdint.h'].includes(name), `${file}: <${name}>`).toBe(true);
        }
      }
    }
    expect(build.cflags).toEqual(expect.arrayContaining(['-ffreestanding', '-fno-tree-loop-distribute-patterns', '-fstack-protector-strong']));
    expect(build.cflags).not.toContain('-D_FORTIFY_SOURCE=2');
    expect(build.ldflags).toEqual(expect.arrayContaining(['-nostdlib', '-static-pie', '-Wl,-z,relro,-z,now']));
  });

  it('the errno descriptions are worded as strerror words them', () => {
    const text = readFileSync(join(NATIVE, 'helper-errno.cc'), 'utf8');
    const entries = [...text.matchAll(/case (E[A-Z0-9]+): return "([^"]+)";/g)].map((m) => ({ name: m[1], text: m[2] }));
    expect(entries.length).toBeGreaterThan(25);
    // Python's os.strerror is the C library's strerror; errno.<NAME> gives the number.
    const script = 'import errno, json, os, sys\nprint(json.dumps([os.strerror(getattr(errno, n)) for n in sys.argv[1:]]))';
    const system = JSON.parse(tool('python3', ['-c', script, ...entries.map((e) => e.name)])) as string[];
    expect(entries.map((e) => e.text)).toEqual(system);
  });

  const helper = helperOrNull();
  it.skipIf(helper === null)('the built helper is a static PIE: no interpreter, no NEEDED, only relative relocations', () => {
    const file = helper as string;
    const headers = tool('readelf', ['-lhW', file]);
    expect(headers).toMatch(/Type:\s+DYN/);
    expect(headers).not.toMatch(/INTERP/);
    expect(headers).toMatch(/GNU_RELRO/);
    expect(tool('readelf', ['-dW', file])).not.toMatch(/NEEDED/);
    const types = [...tool('readelf', ['-rW', file]).matchAll(/^[0-9a-f]+\s+[0-9a-f]+\s+(\S+)/gm)].map((m) => m[1]);
    expect(types.filter((t) => t !== 'R_X86_64_RELATIVE' && t !== 'R_AARCH64_RELATIVE')).toEqual([]);
  });

  it.skipIf(helper === null)('the built helper has no undefined symbol and none from a C library', () => {
    const symbols = tool('nm', [helper as string])
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(symbols.filter((l) => /^\s+[Uw] /.test(l))).toEqual([]);
    const names = symbols.map((l) => l.trim().split(/\s+/).pop() as string);
    expect(names.filter((n) => /^(__libc_|_IO_|__GI_|_dl_|__nptl|malloc$|calloc$|free$|printf$|snprintf$|execvp$|putenv$|strerror)/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['_start', 'main', '__stack_chk_guard', '__stack_chk_fail']));
  });

  it.skipIf(helper === null)('an errno it has no text for prints as strerror does: "Unknown error N"', () => {
    const r = spawnSync('python3', failingSyscallArgs('capget', 200, [helper as string, '--network', 'enabled', '--', 'true']), { encoding: 'utf8' });
    expect(r.stderr).toBe('codex-sandbox-helper: capget: Unknown error 200 (errno 200)\n');
    expect(r.status).toBe(125);
  });
});

describe('binding.gyp -Werror', () => {
  // The "werror" variable's command, run where node-gyp runs it (the package directory).
  const gyp = readFileSync(join(REPO, 'binding.gyp'), 'utf8');
  const command = /"werror%": "<!\(node -p \\"(.*)\\"\)"/.exec(gyp)?.[1]?.replace(/\\"/g, '"');
  const werror = (cwd: string, env: NodeJS.ProcessEnv = {}): string =>
    spawnSync(process.execPath, ['-p', command ?? 'missing'], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } }).stdout.trim();

  it('is on in a checkout and in scripts/prebuild.js, off in an installed package', async () => {
    expect(command).toBeDefined();
    expect(werror(REPO)).toBe('1');
    await withTempDir((installed) => {
      expect(werror(installed)).toBe('0');
      expect(werror(installed, { CODEX_SANDBOX_WERROR: '1' })).toBe('1');
    });
    expect(gyp).toMatch(/\["werror==1", \{"cflags_cc": \["-Werror"\]\}\]/);
    expect(gyp.replace(/^\s*#.*$/gm, '').match(/-Werror/g)).toHaveLength(1);
  });
});
