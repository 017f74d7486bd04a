// Guards docs/architecture.md#host: the live host (nodeHost()) is made only at the entry points
// below, and no policy stage takes its Host as optional, so a later change cannot quietly make a
// stage read the live machine behind the plan memo's back.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LIB = resolve(__dirname, '../../lib');
const NODE_HOST = join(LIB, 'policy/node-host');

/** The files that may call nodeHost(): each is a public or CLI entry, or a live view built on it. */
const ENTRY_FILES = [
  'policy/public-entry.ts', // resolvePolicy, explain, parsePolicyInput, the legacy bridge, ... as exported
  'platform/plan-sandbox.ts', // planSandbox, planResolved
  'spawn/prepare-launch.ts', // the one launch preparation behind runSandboxed, spawnSandboxed, plan, doctor
  'spawn/run-sandboxed.ts', // runSandboxed: its proxy lease and denial hints
  'spawn/spawn-sandboxed.ts', // spawnSandboxed: its denial hints
  'apply-patch/apply-patch.ts', // applyPatch
  'config/reader.ts', // nodeConfigReader, the live reader loadConfig defaults to
  'platform/windows/node-host.ts', // nodeWindowsHostView, the live Windows view
  'cli/commands/explain.ts',
  'cli/commands/run.ts',
  'cli/linux-sandbox-entry.ts',
  'cli/policy-options.ts',
].sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [path] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function visit(node: ts.Node, f: (node: ts.Node) => void): void {
  f(node);
  ts.forEachChild(node, (child) => visit(child, f));
}

/** Whether the file calls nodeHost (under any local name it imports it as). */
function callsNodeHost(source: ts.SourceFile): boolean {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const target = resolve(dirname(source.fileName), statement.moduleSpecifier.text).replace(/\.js$/, '');
    if (target !== NODE_HOST) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings === undefined) continue;
    // A namespace import would hide the call from this check: refuse it outright.
    if (ts.isNamespaceImport(bindings)) return true;
    for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === 'nodeHost') names.add(el.name.text);
  }
  let found = false;
  visit(source, (node) => {
    if (ts.isIdentifier(node) && names.has(node.text) && !ts.isImportSpecifier(node.parent)) found = true;
  });
  return found;
}

/** `host?:` parameters and properties, and `host = ...` defaults, in one file. */
function optionalHosts(source: ts.SourceFile): string[] {
  const out: string[] = [];
  const where = (node: ts.Node) => `${relative(LIB, source.fileName)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  visit(source, (node) => {
    if ((ts.isParameter(node) || ts.isPropertySignature(node)) && ts.isIdentifier(node.name) && node.name.text === 'host') {
      if (node.questionToken !== undefined || (ts.isParameter(node) && node.initializer !== undefined)) out.push(where(node));
    }
  });
  return out;
}

describe('the live host is made at the entry points only', () => {
  const files = sourceFiles(LIB);

  it('only the listed entry files call nodeHost()', () => {
    const callers = files
      .filter((file) => relative(LIB, file) !== 'policy/node-host.ts' && callsNodeHost(parse(file)))
      .map((file) => relative(LIB, file).replace(/\\/g, '/'))
      .sort();
    expect(callers).toStrictEqual(ENTRY_FILES);
  });

  it('no policy stage takes its host as optional (public-entry.ts fills it in)', () => {
    const policyFiles = files.filter((file) => relative(LIB, file).startsWith('policy/') && !file.endsWith('public-entry.ts'));
    expect(policyFiles.flatMap((file) => optionalHosts(parse(file)))).toStrictEqual([]);
  });

  it('the check sees a default it is meant to refuse', () => {
    const sample = ts.createSourceFile(
      join(LIB, 'policy/sample.ts'),
      "import { nodeHost as live } from './node-host';\nexport function f(cwd: string, host: Host = live()): void {}\ninterface O { host?: Host }\n",
      ts.ScriptTarget.Latest,
      true,
    );
    expect(callsNodeHost(sample)).toBe(true);
    expect(optionalHosts(sample)).toHaveLength(2);
  });
});
