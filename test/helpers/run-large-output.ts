// Run by test/enforce/output-rss.test.ts in a process of its own: a sandboxed command prints
// CSBX_OUTPUT_BYTES bytes under a small maxBuffer, and this prints, as JSON, what the run
// reported and how far this process's resident set grew over it.
import { runSandboxed } from '../../lib/spawn/run-sandboxed';

async function main(): Promise<void> {
  const bytes = Number(process.env.CSBX_OUTPUT_BYTES);
  const backend = process.env.CSBX_BACKEND as 'bwrap' | 'namespaces' | 'landlock';
  const rssBefore = process.memoryUsage().rss;
  const r = await runSandboxed(['head', '-c', String(bytes), '/dev/zero'], { policy: 'read-only', backend, maxBuffer: 1024 * 1024, all: true });
  // maxRSS is the peak over the whole process life, so it covers the run.
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ exitCode: r.exitCode, truncated: r.truncated, stdoutLength: r.stdout.length, allLength: r.all?.length, rssBefore, peak }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
