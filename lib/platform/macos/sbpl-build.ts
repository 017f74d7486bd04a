// sbpl-build: small constructors for typed SBPL items, so the section files read like the profile.
import type { SbplAtom, SbplFilter, SbplItem, SbplLayout, SbplPathArg, SbplRule } from './sbpl-types';

export function rule(action: 'allow' | 'deny', operations: string | string[], filters: SbplFilter[] = [], layout: SbplLayout = 'inline'): SbplRule {
  return { kind: 'rule', action, operations: typeof operations === 'string' ? [operations] : operations, filters, layout };
}

export function comment(text: string): SbplItem {
  return { kind: 'comment', text };
}

const arg = (path: string | { param: string }): SbplPathArg => (typeof path === 'string' ? { string: path } : path);

export const literal = (path: string | { param: string }): SbplFilter => ({ kind: 'literal', path: arg(path) });
export const subpath = (path: string | { param: string }): SbplFilter => ({ kind: 'subpath', path: arg(path) });
export const pathAncestors = (path: string): SbplFilter => ({ kind: 'path-ancestors', path: arg(path) });
export const regex = (pattern: string): SbplFilter => ({ kind: 'regex', pattern });
export const param = (key: string): { param: string } => ({ param: key });
export const requireAll = (...filters: SbplFilter[]): SbplFilter => ({ kind: 'require-all', filters });
export const requireAny = (...filters: SbplFilter[]): SbplFilter => ({ kind: 'require-any', filters });
export const requireNot = (filter: SbplFilter): SbplFilter => ({ kind: 'require-not', filter });
export const vnode = (type: 'DIRECTORY' | 'CHARACTER-DEVICE'): SbplFilter => ({ kind: 'vnode-type', type });

function atom(value: string | number | { symbol: string } | { regex: string }): SbplAtom {
  if (typeof value === 'number') return { type: 'number', value };
  if (typeof value === 'string') return { type: 'string', value };
  return 'symbol' in value ? { type: 'symbol', value: value.symbol } : { type: 'regex', value: value.regex };
}

export function named(name: Extract<SbplFilter, { kind: 'named' }>['name'], ...values: (string | number | { symbol: string } | { regex: string })[]): SbplFilter {
  return { kind: 'named', name, args: values.map(atom) };
}

export const globalName = (name: string): SbplFilter => named('global-name', name);
export const localIp = (address: string): SbplFilter => ({ kind: 'network', side: 'local', address: { type: 'ip', value: address } });
export const remoteIp = (address: string): SbplFilter => ({ kind: 'network', side: 'remote', address: { type: 'ip', value: address } });
export const unixSocket = (side: 'local' | 'remote', path?: SbplFilter): SbplFilter => ({
  kind: 'network',
  side,
  address: path === undefined ? { type: 'unix-socket' } : { type: 'unix-socket', path },
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * A section whose content never varies (base policy, platform defaults): built once, deeply
 * frozen, and shared, so each plan neither rebuilds it nor (see renderSbpl) re-renders it.
 */
export function constantSection(build: () => SbplItem[]): () => readonly SbplItem[] {
  let items: readonly SbplItem[] | undefined;
  return () => (items ??= deepFreeze(build()));
}
