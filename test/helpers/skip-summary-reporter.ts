// Ends a local run with the list of what was skipped and why: a test that needs a tool this
// machine lacks names the tool and how to install it in its title ("[skipped: ...]"), so the list
// is the checklist for a complete run. With CI=true nothing may skip (scripts/ci-summary.js) but a
// test whose own unsandboxed control shows the kernel cannot run its probe (syscall-controls.ts).
import { relative } from 'node:path';

// The slice of vitest's reporter API used here (its types are ESM-only; this config is CommonJS).
interface TestCaseView {
  fullName: string;
  result(): { state: string };
}
interface TestModuleView {
  moduleId: string;
  children: { allTests(): Iterable<TestCaseView> };
}

export default class SkipSummaryReporter {
  onTestRunEnd(modules: ReadonlyArray<TestModuleView>): void {
    const skipped: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        if (test.result().state === 'skipped') skipped.push(`  ${relative(process.cwd(), module.moduleId)}: ${test.fullName}`);
      }
    }
    if (skipped.length === 0) return;
    // A skip naming its failed unsandboxed control is this machine's kernel, not a missing tool.
    process.stdout.write(`\n${skipped.length} skipped (install what each names to run it; "the unsandboxed control fails" is the kernel):\n${skipped.join('\n')}\n`);
  }
}
