// sbpl-parse: reads the SBPL subset this package generates back into typed items. It is a
// checker, not a general SBPL reader: any form, operation or filter outside the subset throws, so
// a test that parses every generated profile fails on the first unexpected construct.
import { UnsupportedPolicyError } from '../../lib/errors';
import {
  SBPL_NAMED_FILTERS,
  type SbplAtom,
  type SbplFilter,
  type SbplItem,
  type SbplLayout,
  type SbplNamedFilter,
  type SbplPathArg,
  type SbplVnodeType,
} from '../../lib/platform/macos/sbpl-types';

/** Every operation the generator emits; a profile naming any other does not parse. */
export const SBPL_OPERATIONS: ReadonlySet<string> = new Set([
  'default',
  'file-ioctl',
  'file-map-executable',
  'file-read*',
  'file-read-data',
  'file-read-metadata',
  'file-test-existence',
  'file-write*',
  'file-write-data',
  'file-write-unlink',
  'iokit-open',
  'ipc-posix-sem',
  'ipc-posix-shm-read*',
  'ipc-posix-shm-read-data',
  'ipc-posix-shm-write-create',
  'ipc-posix-shm-write-unlink',
  'mach-lookup',
  'network-bind',
  'network-inbound',
  'network-outbound',
  'process-exec',
  'process-fork',
  'process-info*',
  'pseudo-tty',
  'signal',
  'sysctl-read',
  'sysctl-write',
  'system-fsctl',
  'system-mac-syscall',
  'system-socket',
  'user-preference-read',
]);

const VNODE_TYPES: ReadonlySet<string> = new Set(['DIRECTORY', 'CHARACTER-DEVICE', 'REGULAR-FILE', 'SYMLINK']);
const NAMED: ReadonlySet<string> = new Set(SBPL_NAMED_FILTERS);

type Sexp =
  | { type: 'list'; items: Sexp[]; start: number; end: number }
  | { type: 'string'; value: string; start: number }
  | { type: 'symbol'; value: string; start: number }
  | { type: 'number'; value: number; start: number }
  | { type: 'regex'; value: string; start: number };

function fail(text: string, at: number, what: string): never {
  const line = text.slice(0, at).split('\n').length;
  throw new UnsupportedPolicyError(`SBPL outside the generated subset at line ${line}: ${what}; the evaluator only models forms the planner emits`, {
    value: text.slice(at, at + 80),
    details: { line },
  });
}

/** Parses profile text into items; throws UnsupportedPolicyError on anything outside the subset. */
export function parseSbpl(text: string): SbplItem[] {
  const items: SbplItem[] = [];
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      i++;
    } else if (c === ' ' || c === '\t') {
      i++;
    } else if (c === ';') {
      if (!lineStart) fail(text, i, 'a comment after a form on the same line');
      const end = text.indexOf('\n', i);
      const body = text.slice(i + 1, end === -1 ? text.length : end);
      items.push({ kind: 'comment', text: body.startsWith(' ') ? body.slice(1) : body });
      i = end === -1 ? text.length : end;
    } else if (c === '(') {
      const [form, next] = readSexp(text, i);
      items.push(toItem(text, form));
      i = next;
      lineStart = false;
    } else {
      fail(text, i, `unexpected character ${JSON.stringify(c)} at top level`);
    }
  }
  return items;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\t')) i++;
  if (text[i] === ';') fail(text, i, 'a comment inside a form');
  return i;
}

function readQuoted(text: string, i: number, keepEscapes: boolean): [string, number] {
  let out = '';
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '"') return [out, j + 1];
    if (c === '\\') {
      const n = text[j + 1];
      if (n === undefined) break;
      // In `"..."` a backslash escapes the next character; in `#"..."` it belongs to the regex,
      // except before a quote, where it only keeps the quote inside the literal.
      out += keepEscapes && n !== '"' ? c + n : n;
      j++;
    } else {
      out += c;
    }
  }
  return fail(text, i, 'an unterminated string');
}

function readSexp(text: string, start: number): [Sexp, number] {
  let i = skipSpace(text, start);
  const c = text[i];
  if (c === '(') {
    const items: Sexp[] = [];
    i++;
    for (;;) {
      i = skipSpace(text, i);
      if (i >= text.length) fail(text, start, 'an unclosed parenthesis');
      if (text[i] === ')') return [{ type: 'list', items, start, end: i + 1 }, i + 1];
      const [item, next] = readSexp(text, i);
      items.push(item);
      i = next;
    }
  }
  if (c === '"') {
    const [value, next] = readQuoted(text, i + 1, false);
    return [{ type: 'string', value, start: i }, next];
  }
  if (c === '#' && text[i + 1] === '"') {
    const [value, next] = readQuoted(text, i + 2, true);
    return [{ type: 'regex', value, start: i }, next];
  }
  const m = /^[A-Za-z0-9_*.:-]+/.exec(text.slice(i, i + 200));
  if (m === null) return fail(text, i, `unexpected character ${JSON.stringify(c)}`);
  const word = m[0];
  if (/^[0-9]+$/.test(word)) return [{ type: 'number', value: Number(word), start: i }, i + word.length];
  return [{ type: 'symbol', value: word, start: i }, i + word.length];
}

function headOf(form: Sexp): string | undefined {
  if (form.type !== 'list') return undefined;
  const head = form.items[0];
  return head !== undefined && head.type === 'symbol' ? head.value : undefined;
}

function toItem(text: string, form: Sexp): SbplItem {
  if (form.type !== 'list') return fail(text, form.start, 'a top-level atom');
  const head = headOf(form);
  const args = form.items.slice(1);
  if (head === 'version') {
    const v = args[0];
    if (args.length !== 1 || v.type !== 'number') fail(text, form.start, '(version) needs one number');
    return { kind: 'version', value: v.value };
  }
  if (head !== 'allow' && head !== 'deny') return fail(text, form.start, `unknown top-level form ${head ?? '(list)'}`);
  const operations: string[] = [];
  let k = 0;
  for (; k < args.length && args[k].type === 'symbol'; k++) {
    const op = (args[k] as { value: string }).value;
    if (!SBPL_OPERATIONS.has(op)) fail(text, args[k].start, `unknown operation ${op}`);
    operations.push(op);
  }
  if (operations.length === 0) fail(text, form.start, `(${head}) without an operation`);
  const filters = args.slice(k).map((f) => toFilter(text, f));
  return { kind: 'rule', action: head, operations, filters, layout: layoutOf(text, form) };
}

function layoutOf(text: string, form: Sexp & { type: 'list' }): SbplLayout {
  const source = text.slice(form.start, form.end);
  if (!source.includes('\n')) return 'inline';
  return source.endsWith('\n)') ? 'block' : 'stacked';
}

function toPathArg(text: string, arg: Sexp | undefined, at: number): SbplPathArg {
  if (arg?.type === 'string') return { string: arg.value };
  if (arg !== undefined && headOf(arg) === 'param' && arg.type === 'list') {
    const key = arg.items[1];
    if (arg.items.length === 2 && key.type === 'string') return { param: key.value };
  }
  return fail(text, at, 'a path filter needs a string or (param "KEY")');
}

function toAtom(text: string, arg: Sexp): SbplAtom {
  if (arg.type === 'list') return fail(text, arg.start, 'a list where a filter argument was expected');
  return { type: arg.type, value: arg.value } as SbplAtom;
}

function toFilter(text: string, form: Sexp): SbplFilter {
  const head = headOf(form);
  if (form.type !== 'list' || head === undefined) return fail(text, form.start, 'a filter must be a list');
  const args = form.items.slice(1);
  switch (head) {
    case 'literal':
    case 'subpath':
    case 'prefix':
    case 'path-ancestors':
      if (args.length !== 1) fail(text, form.start, `(${head}) takes one path`);
      return { kind: head, path: toPathArg(text, args[0], form.start) };
    case 'regex': {
      const re = args[0];
      if (args.length !== 1 || re.type !== 'regex') return fail(text, form.start, '(regex) takes one #"..." literal');
      try {
        new RegExp(re.value);
      } catch {
        fail(text, re.start, `regex ${JSON.stringify(re.value)} does not compile`);
      }
      return { kind: 'regex', pattern: re.value };
    }
    case 'vnode-type': {
      const t = args[0];
      if (args.length !== 1 || t.type !== 'symbol' || !VNODE_TYPES.has(t.value)) {
        return fail(text, form.start, '(vnode-type) takes one known vnode type');
      }
      return { kind: 'vnode-type', type: t.value as SbplVnodeType };
    }
    case 'require-all':
    case 'require-any':
      if (args.length === 0) fail(text, form.start, `(${head}) without filters`);
      return { kind: head, filters: args.map((a) => toFilter(text, a)) };
    case 'require-not':
      if (args.length !== 1) fail(text, form.start, '(require-not) takes one filter');
      return { kind: 'require-not', filter: toFilter(text, args[0]) };
    case 'local':
    case 'remote': {
      const proto = args[0];
      if (proto?.type === 'symbol' && proto.value === 'ip' && args.length === 2 && args[1].type === 'string') {
        return { kind: 'network', side: head, address: { type: 'ip', value: args[1].value } };
      }
      if (proto?.type === 'symbol' && proto.value === 'unix-socket' && args.length <= 2) {
        if (args.length === 1) return { kind: 'network', side: head, address: { type: 'unix-socket' } };
        return { kind: 'network', side: head, address: { type: 'unix-socket', path: toFilter(text, args[1]) } };
      }
      return fail(text, form.start, `(${head}) takes ip "host:port" or unix-socket [path filter]`);
    }
    default:
      if (!NAMED.has(head)) return fail(text, form.start, `unknown filter ${head}`);
      if (args.length === 0) fail(text, form.start, `(${head}) without an argument`);
      return { kind: 'named', name: head as SbplNamedFilter, args: args.map((a) => toAtom(text, a)) };
  }
}
