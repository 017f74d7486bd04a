// Load through one proxy: 50 proxied sandboxes at once, 1,000 requests in all (each sandbox's curl
// opens its 20 connections in parallel, so every relay serves many at a time). Afterwards the
// test process holds no more sockets than before and no lease left a socket file behind.
import { mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

import { runSandboxed } from '../../lib/spawn/run-sandboxed';
import { HOSTS, proxiedProfile, proxyWorldSuite } from './proxy-fixture';
import { underTest } from './support';

const SANDBOXES = 50;
const REQUESTS_EACH = 20;

// The world's TMPDIR is its own (startProxyWorld): other test runs cannot make or hide a leftover.
const { world: w, itWith } = proxyWorldSuite(300_000);

function socketFds(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // The directory's own descriptor, closed by now.
    }
  }
  return n;
}

/** Processes whose command line names `text` (a relay started for one of this world's leases). */
function processesNaming(text: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(text)) out.push(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

function socketFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isSocket())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Sockets the origins' keep-alive side still holds close a moment after the proxy's end. */
async function settledSocketFds(target: number): Promise<number> {
  for (let i = 0; i < 100 && socketFds() > target; i++) await new Promise((r) => setTimeout(r, 50));
  return socketFds();
}

const backend = 'bwrap' as const;
const name = underTest(backend) === backend ? backend : `${underTest(backend)} (bwrap case)`;
itWith(backend)(`${name}: ${SANDBOXES} proxied sandboxes at once through one proxy, ${SANDBOXES * REQUESTS_EACH} requests: all answered, nothing left behind`, async () => {
  const before = socketFds();
  const seenBefore = w().seen.length;
  const workDir = join(w().dir, 'load');
  mkdirSync(workDir);
  const runs = Array.from({ length: SANDBOXES }, (_, s) => {
    const urls = Array.from({ length: REQUESTS_EACH }, (_, i) => `http://${HOSTS.allowed}/s${s}/r${i}`);
    return runSandboxed(
      ['curl', '-sS', '--no-progress-meter', '-Z', '--parallel-immediate', '--parallel-max', '10', ...urls.flatMap((u) => [u, '-o', '/dev/null', '-w', '%{http_code}\\n'])],
      {
        permissionProfile: proxiedProfile(w().dir),
        backend: underTest(backend),
        cwd: workDir,
        proxy: w().proxy,
        timeoutMs: 120_000,
      },
    );
  });
  const results = await Promise.all(runs);
  for (const r of results) {
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split('\n')).toStrictEqual(Array(REQUESTS_EACH).fill('200'));
    expect(r.network).toHaveLength(REQUESTS_EACH);
  }
  expect(w().seen.length - seenBefore).toBe(SANDBOXES * REQUESTS_EACH);
  expect(await settledSocketFds(before)).toBe(before);
  // spawn/ keeps its mount-target registry there too; no lease directory and no socket file may remain.
  expect(readdirSync(w().leaseDir).filter((n) => n.startsWith('codex-sandbox-proxy-'))).toStrictEqual([]);
  expect(socketFilesUnder(w().leaseDir)).toStrictEqual([]);
  // Every relay (its --proxy-route names a lease's socket) ended with its sandbox.
  expect(processesNaming(w().leaseDir)).toStrictEqual([]);
});
