// sbpl-evaluate: decides one request against parsed SBPL items, modelling Seatbelt's semantics for
// the generated subset. This is how the macOS backend is checked without a Mac: property tests
// require its file-read/file-write answers to equal explain(). Where the model is an assumption
// about Seatbelt rather than a documented fact, docs/platforms/macos.md says so, with sources:
//  - the last matching rule decides (later rules win), and `(deny default)` is the first rule;
//  - an operation ending in `*` covers every operation with that prefix (file-read* covers
//    file-read-data and file-read-metadata), and `default` covers every operation;
//  - the filters of one rule are alternatives (any one matching is enough);
//  - `subpath` matches the path and everything below it at a component boundary, `literal`
//    matches the exact path, `regex` is tested against the whole path string;
//  - paths are the kernel's resolved paths: callers pass canonical paths (symlinks resolved), or a
//    symlink's own path for operations on the link itself.
import { UnsupportedPolicyError } from '../../lib/errors';
import type { SbplFilter, SbplItem, SbplPathArg, SbplVnodeType } from '../../lib/platform/macos/sbpl-types';

export interface SbplRequest {
  operation: string;
  /** The resolved path for file operations (or a unix socket path for network operations). */
  path?: string;
  /** Needed only when a matching rule asks for the vnode type. */
  vnodeType?: SbplVnodeType;
  /** Values for named filters, e.g. {'global-name': 'com.apple.trustd.agent'}. */
  attributes?: Record<string, string | number>;
  /** For network-* operations. */
  network?: { side: 'local' | 'remote'; ip?: string; unixSocket?: string };
}

export interface SbplVerdict {
  allowed: boolean;
  /** Index into the items of the rule that decided. */
  ruleIndex: number;
}

function modelError(message: string): never {
  throw new UnsupportedPolicyError(`SBPL evaluation: ${message}`);
}

export function operationCovers(ruleOp: string, requested: string): boolean {
  if (ruleOp === 'default' || ruleOp === requested) return true;
  return ruleOp.endsWith('*') && requested.startsWith(ruleOp.slice(0, -1));
}

/** Evaluates `request` against `items` with the -D parameters `params` (as passed to sandbox-exec). */
export function evaluateSbpl(items: readonly SbplItem[], params: readonly (readonly [string, string])[], request: SbplRequest): SbplVerdict {
  const bound = new Map<string, string>();
  for (const [key, value] of params) {
    if (bound.has(key)) modelError(`parameter ${key} is defined twice`);
    bound.set(key, value);
  }
  const ctx: Context = { params: bound, request, regexes: new Map() };
  let verdict: SbplVerdict | undefined;
  items.forEach((item, index) => {
    if (item.kind !== 'rule') return;
    if (!item.operations.some((op) => operationCovers(op, request.operation))) return;
    if (item.filters.length > 0 && !item.filters.some((f) => matches(f, ctx))) return;
    verdict = { allowed: item.action === 'allow', ruleIndex: index };
  });
  if (verdict === undefined) return modelError(`no rule decides ${request.operation}; the profile lacks a default`);
  return verdict;
}

interface Context {
  params: Map<string, string>;
  request: SbplRequest;
  regexes: Map<string, RegExp>;
}

function pathValue(arg: SbplPathArg, ctx: Context): string {
  if ('string' in arg) return arg.string;
  const value = ctx.params.get(arg.param);
  if (value === undefined) return modelError(`parameter ${arg.param} is used but not defined with -D`);
  return value;
}

function isUnder(path: string, root: string): boolean {
  if (root === '/') return path.startsWith('/');
  return path === root || path.startsWith(`${root}/`);
}

function regexOf(pattern: string, ctx: Context): RegExp {
  let re = ctx.regexes.get(pattern);
  if (re === undefined) {
    re = new RegExp(pattern);
    ctx.regexes.set(pattern, re);
  }
  return re;
}

function matchesPath(filter: SbplFilter, path: string | undefined, ctx: Context): boolean {
  if (path === undefined) return false;
  switch (filter.kind) {
    case 'literal':
      return path === pathValue(filter.path, ctx);
    case 'subpath':
      return isUnder(path, pathValue(filter.path, ctx));
    case 'prefix':
      return path.startsWith(pathValue(filter.path, ctx));
    case 'path-ancestors':
      return isUnder(pathValue(filter.path, ctx), path);
    case 'regex':
      return regexOf(filter.pattern, ctx).test(path);
    default:
      return matches(filter, ctx, path);
  }
}

function matches(filter: SbplFilter, ctx: Context, path: string | undefined = ctx.request.path): boolean {
  switch (filter.kind) {
    case 'literal':
    case 'subpath':
    case 'prefix':
    case 'path-ancestors':
    case 'regex':
      return matchesPath(filter, path, ctx);
    case 'vnode-type':
      if (ctx.request.vnodeType === undefined) {
        return modelError(`a rule for ${ctx.request.operation} tests vnode-type but the request has none`);
      }
      return ctx.request.vnodeType === filter.type;
    case 'require-all':
      return filter.filters.every((f) => matches(f, ctx, path));
    case 'require-any':
      return filter.filters.some((f) => matches(f, ctx, path));
    case 'require-not':
      return !matches(filter.filter, ctx, path);
    case 'network': {
      const net = ctx.request.network;
      if (net === undefined || net.side !== filter.side) return false;
      if (filter.address.type === 'ip') return net.ip !== undefined && ipMatches(filter.address.value, net.ip);
      if (net.unixSocket === undefined) return false;
      return filter.address.path === undefined || matchesPath(filter.address.path, net.unixSocket, ctx);
    }
    case 'named': {
      // `sysctl-name-prefix` and `sysctl-name-regex` test the same attribute as `sysctl-name`.
      const actual = ctx.request.attributes?.[filter.name.replace(/-(prefix|regex)$/, '')];
      if (actual === undefined) return false;
      return filter.args.some((arg) => {
        if (arg.type === 'regex' || filter.name.endsWith('-regex')) return regexOf(String(arg.value), ctx).test(String(actual));
        if (filter.name.endsWith('-prefix')) return String(actual).startsWith(String(arg.value));
        return String(actual) === String(arg.value);
      });
    }
  }
}

/** `host:port` with `*` for either part; `localhost` stands for the loopback addresses. */
function ipMatches(pattern: string, actual: string): boolean {
  const split = (s: string): [string, string] => {
    const at = s.lastIndexOf(':');
    return [s.slice(0, at), s.slice(at + 1)];
  };
  const [ph, pp] = split(pattern);
  const [ah, ap] = split(actual);
  const loopback = new Set(['localhost', '127.0.0.1', '::1']);
  const hostOk = ph === '*' || ph === ah || (ph === 'localhost' && loopback.has(ah));
  return hostOk && (pp === '*' || pp === ap);
}
