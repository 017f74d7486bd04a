// Escape suite (issue #7): every Linux-applicable probe of docs/security.md#probe-table, plus the next things
// an attacker tries, run inside a real sandbox on each backend with the effect checked on the host.
// Each probe also runs once with no sandbox at all: that control must get through, which proves
// the probe and its host check can see an escape (a probe that never fires would prove nothing).
import { arch } from 'node:os';
import { afterAll, beforeAll, describe, expect, it as vitestIt, type TestFunction } from 'vitest';

import { buildInt80Probe, makeFixture, type Fixture } from './harness/fixture';
import { underTest } from '../helpers/mount-backend';
import { judgeCase, recordVerdict } from './harness/judge';
import { PROBE_CASES, type SandboxBackend } from './harness/probe-cases';
import { type Control, int80Control, itWithControl } from '../helpers/syscall-controls';

const BACKENDS: SandboxBackend[] = ['bwrap', 'landlock'];
const isRoot = process.getuid?.() === 0;

let tools: Fixture;
let int80: string | null = null;

beforeAll(() => {
  tools = makeFixture('sec-tools');
  int80 = buildInt80Probe(tools);
});

afterAll(() => {
  tools.remove();
});

/** P30 goes through int $0x80, which some kernels kill with SIGSEGV even unsandboxed. */
const P30_CONTROL: Control = process.platform === 'linux' && arch() === 'x64' ? int80Control() : { ok: true };

describe.runIf(process.platform === 'linux')('escape probes', () => {
  for (const c of PROBE_CASES) {
    const controlApplies = (): boolean => c.controlEscapes?.({ isRoot }) ?? true;
    const it = (title: string, fn: TestFunction): void => (c.id === 'P30' ? itWithControl(P30_CONTROL, title, fn) : vitestIt(title, fn));

    it(`no sandbox: ${c.id} ${c.title} gets through (the probe can detect an escape)`, async () => {
      const v = await judgeCase(c, 'host-control', int80);
      recordVerdict(c.id, 'none', v);
      if (controlApplies()) expect(v.evidence, `control of ${c.id} saw no effect: ${JSON.stringify(v.run.report)}`).not.toEqual([]);
      else expect(v.run.report, 'the control probe ran').toBeDefined();
    });

    for (const backend of BACKENDS) {
      const refuses = (c.refusedOn ?? []).includes(backend);
      const documented = c.getsThrough?.[backend];
      const outcome = refuses ? 'is refused (fail closed)' : documented ? 'gets through as documented' : 'is blocked';
      it(`${backend}: ${c.id} ${c.title} ${outcome}`, async () => {
        const v = await judgeCase(c, { kind: 'sandbox', backend }, int80);
        recordVerdict(c.id, backend, v);
        if (refuses) {
          expect(v.refused?.code, `${backend} ran a policy it cannot represent`).toBe('E_UNSUPPORTED_POLICY');
          return;
        }
        expect(v.refused, `${backend} refused, so the probe tested nothing`).toBeUndefined();
        expect(v.run.backend, 'the forced backend is the one that ran').toBe(underTest(backend));
        const reason = documented?.({ isRoot }) ?? null;
        if (reason === null) {
          expect(v.evidence, `${backend} let ${c.id} through; stderr: ${v.run.stderr.trim()}`).toEqual([]);
        } else {
          expect(v.escaped, `${c.id} is documented to get through on ${backend} (${reason}) but did not`).toBe(true);
        }
      });
    }
  }
});
