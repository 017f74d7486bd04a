// sbpl-render: the one function that turns typed SBPL items into profile text. Ordering and
// content are decided by the planner; this file only decides spelling and whitespace.
import type { SbplAtom, SbplFilter, SbplItem, SbplPathArg, SbplRule } from './sbpl-types';

// Frozen items belong to constant sections (sbpl-build constantSection): render each once.
const renderedConstants = new WeakMap<SbplItem, string>();

/** Renders a profile: one item per line (block and stacked rules span several), newline-terminated. */
export function renderSbpl(items: readonly SbplItem[]): string {
  const lines: string[] = [];
  for (const item of items) {
    const cached = renderedConstants.get(item);
    if (cached !== undefined) {
      lines.push(cached);
      continue;
    }
    const text = item.kind === 'version' ? `(version ${item.value})` : item.kind === 'comment' ? `; ${item.text}` : renderRule(item);
    if (Object.isFrozen(item)) renderedConstants.set(item, text);
    lines.push(text);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function renderRule(rule: SbplRule): string {
  const head = `(${rule.action}`;
  switch (rule.layout) {
    case 'inline':
      return `${head} ${[...rule.operations, ...rule.filters.map((f) => renderFilter(f, false))].join(' ')})`;
    case 'block':
      // The reference's access block (docs/reference.md#seatbelt-profile): filters on one line, `require-all` padded with a
      // space before its closing parenthesis, and the rule's own parenthesis on a line of its own.
      return `${head} ${rule.operations.join(' ')}\n${rule.filters.map((f) => renderFilter(f, true)).join(' ')}\n)`;
    case 'stacked': {
      const [first, ...restOps] = rule.operations;
      const rest = [...restOps, ...rule.filters.map((f) => renderFilter(f, false))];
      return [`${head} ${first}`, ...rest.map((part) => `  ${part}`)].join('\n') + ')';
    }
  }
}

function renderFilter(filter: SbplFilter, padRequireAll: boolean): string {
  switch (filter.kind) {
    case 'literal':
    case 'subpath':
    case 'prefix':
    case 'path-ancestors':
      return `(${filter.kind} ${renderPathArg(filter.path)})`;
    case 'regex':
      return `(regex ${renderRegex(filter.pattern)})`;
    case 'vnode-type':
      return `(vnode-type ${filter.type})`;
    case 'require-all':
    case 'require-any': {
      const parts = filter.filters.map((f) => renderFilter(f, false)).join(' ');
      return padRequireAll && filter.kind === 'require-all' ? `(${filter.kind} ${parts} )` : `(${filter.kind} ${parts})`;
    }
    case 'require-not':
      return `(require-not ${renderFilter(filter.filter, false)})`;
    case 'network': {
      const address = filter.address;
      if (address.type === 'ip') return `(${filter.side} ip ${renderString(address.value)})`;
      if (address.path === undefined) return `(${filter.side} unix-socket)`;
      return `(${filter.side} unix-socket ${renderFilter(address.path, false)})`;
    }
    case 'named':
      return `(${filter.name} ${filter.args.map(renderAtom).join(' ')})`;
  }
}

function renderPathArg(arg: SbplPathArg): string {
  return 'param' in arg ? `(param ${renderString(arg.param)})` : renderString(arg.string);
}

function renderAtom(atom: SbplAtom): string {
  switch (atom.type) {
    case 'string':
      return renderString(atom.value);
    case 'symbol':
      return atom.value;
    case 'number':
      return String(atom.value);
    case 'regex':
      return renderRegex(atom.value);
  }
}

function renderString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * `#"..."` hands its backslashes to the regex engine untouched, so only a bare `"` needs escaping
 * (the reference escapes it as `\"`, which the engine reads as a literal quote). Backslash pairs
 * are copied as they are so an escaped character never turns into a closing quote.
 */
function renderRegex(pattern: string): string {
  let out = '#"';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      out += c + pattern[i + 1];
      i++;
    } else if (c === '"') {
      out += '\\"';
    } else {
      out += c;
    }
  }
  return `${out}"`;
}
