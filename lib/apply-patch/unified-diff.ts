// apply-patch/unified-diff: the unified diff the reference attaches to a verified apply_patch
// call (docs/reference.md#patch-invocations, from the `similar` crate): a Myers line diff (divide and conquer on
// the middle snake, common prefix and suffix split off first), grouped with a context radius,
// printed with `@@ -a,b +c,d @@` headers only (a count of 1 is omitted; an empty range names the
// line before it), each line keeping its own newline. Pure.

type Tag = 'equal' | 'delete' | 'insert';

interface Op {
  tag: Tag;
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** Lines with their terminators, as similar's from_lines tokenizes. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

class OpSink {
  readonly ops: Op[] = [];

  push(tag: Tag, oldStart: number, oldLen: number, newStart: number, newLen: number): void {
    if (oldLen === 0 && newLen === 0) return;
    const last = this.ops[this.ops.length - 1];
    if (last !== undefined && last.tag === tag && last.oldEnd === oldStart && last.newEnd === newStart) {
      last.oldEnd += oldLen;
      last.newEnd += newLen;
      return;
    }
    this.ops.push({ tag, oldStart, oldEnd: oldStart + oldLen, newStart, newEnd: newStart + newLen });
  }
}

function prefixLength(a: string[], a0: number, a1: number, b: string[], b0: number, b1: number): number {
  let n = 0;
  while (a0 + n < a1 && b0 + n < b1 && a[a0 + n] === b[b0 + n]) n++;
  return n;
}

function suffixLength(a: string[], a0: number, a1: number, b: string[], b0: number, b1: number): number {
  let n = 0;
  while (a1 - n > a0 && b1 - n > b0 && a[a1 - n - 1] === b[b1 - n - 1]) n++;
  return n;
}

/** The middle snake's start in absolute coordinates, or null when none is found. */
function middleSnake(a: string[], a0: number, a1: number, b: string[], b0: number, b1: number): [number, number] | null {
  const n = a1 - a0;
  const m = b1 - b0;
  const delta = n - m;
  const odd = (delta & 1) !== 0;
  const dMax = Math.floor((n + m + 1) / 2) + 1;
  const offset = dMax + 1;
  const vf = new Array<number>(2 * offset + 1).fill(0);
  const vb = new Array<number>(2 * offset + 1).fill(0);
  for (let d = 0; d < dMax; d++) {
    for (let k = d; k >= -d; k -= 2) {
      let x = k === -d || (k !== d && vf[offset + k - 1] < vf[offset + k + 1]) ? vf[offset + k + 1] : vf[offset + k - 1] + 1;
      const y = x - k;
      const x0 = x;
      const y0 = y;
      if (x < n && y < m) x += prefixLength(a, a0 + x, a1, b, b0 + y, b1);
      vf[offset + k] = x;
      if (odd && Math.abs(k - delta) <= d - 1 && vf[offset + k] + vb[offset - (k - delta)] >= n) return [x0 + a0, y0 + b0];
    }
    for (let k = d; k >= -d; k -= 2) {
      let x = k === -d || (k !== d && vb[offset + k - 1] < vb[offset + k + 1]) ? vb[offset + k + 1] : vb[offset + k - 1] + 1;
      let y = x - k;
      if (x < n && y < m) {
        const advance = suffixLength(a, a0, a0 + n - x, b, b0, b0 + m - y);
        x += advance;
        y += advance;
      }
      vb[offset + k] = x;
      if (!odd && Math.abs(k - delta) <= d && vb[offset + k] + vf[offset - (k - delta)] >= n) return [n - x + a0, m - y + b0];
    }
  }
  return null;
}

function conquer(a: string[], a0: number, a1: number, b: string[], b0: number, b1: number, sink: OpSink): void {
  const prefix = prefixLength(a, a0, a1, b, b0, b1);
  if (prefix > 0) sink.push('equal', a0, prefix, b0, prefix);
  a0 += prefix;
  b0 += prefix;
  const suffix = suffixLength(a, a0, a1, b, b0, b1);
  a1 -= suffix;
  b1 -= suffix;
  if (a0 === a1) {
    sink.push('insert', a0, 0, b0, b1 - b0);
  } else if (b0 === b1) {
    sink.push('delete', a0, a1 - a0, b0, 0);
  } else {
    const snake = middleSnake(a, a0, a1, b, b0, b1);
    if (snake !== null) {
      conquer(a, a0, snake[0], b, b0, snake[1], sink);
      conquer(a, snake[0], a1, b, snake[1], b1, sink);
    } else {
      sink.push('delete', a0, a1 - a0, b0, 0);
      sink.push('insert', a1, 0, b0, b1 - b0);
    }
  }
  if (suffix > 0) sink.push('equal', a1, suffix, b1, suffix);
}

/** difflib's get_grouped_opcodes: changes with up to `radius` equal lines around them. */
function groupOps(ops: readonly Op[], radius: number): Op[][] {
  if (ops.length === 0) return [];
  const codes = ops.map((o) => ({ ...o }));
  const first = codes[0];
  if (first.tag === 'equal') {
    const skip = Math.max(0, first.oldEnd - first.oldStart - radius);
    first.oldStart += skip;
    first.newStart += skip;
  }
  const last = codes[codes.length - 1];
  if (last.tag === 'equal') {
    last.oldEnd = Math.min(last.oldEnd, last.oldStart + radius);
    last.newEnd = Math.min(last.newEnd, last.newStart + radius);
  }
  const groups: Op[][] = [];
  let group: Op[] = [];
  for (const op of codes) {
    let current = op;
    if (op.tag === 'equal' && op.oldEnd - op.oldStart > 2 * radius) {
      group.push({ ...op, oldEnd: op.oldStart + radius, newEnd: op.newStart + radius });
      groups.push(group);
      group = [];
      current = { ...op, oldStart: op.oldEnd - radius, newStart: op.newEnd - radius };
    }
    group.push(current);
  }
  groups.push(group);
  return groups.filter((g) => g.some((o) => o.tag !== 'equal'));
}

function range(start: number, end: number): string {
  const len = end - start;
  if (len === 1) return String(start + 1);
  return `${len === 0 ? start : start + 1},${len}`;
}

/** The unified diff of two texts with context radius `radius` (the reference uses 1). */
export function unifiedDiff(oldText: string, newText: string, radius = 1): string {
  const a = tokenize(oldText);
  const b = tokenize(newText);
  const sink = new OpSink();
  conquer(a, 0, a.length, b, 0, b.length, sink);
  let out = '';
  const emit = (sign: string, line: string): void => {
    out += `${sign}${line}`;
    if (!line.endsWith('\n')) out += '\n\\ No newline at end of file\n';
  };
  for (const group of groupOps(sink.ops, radius)) {
    const head = group[0];
    const tail = group[group.length - 1];
    out += `@@ -${range(head.oldStart, tail.oldEnd)} +${range(head.newStart, tail.newEnd)} @@\n`;
    // Within a run of changes, removed lines come before added ones (similar's Replace).
    let inserts: string[] = [];
    for (const op of group) {
      if (op.tag === 'equal') {
        for (const line of inserts) emit('+', line);
        inserts = [];
        for (let i = op.oldStart; i < op.oldEnd; i++) emit(' ', a[i]);
      } else if (op.tag === 'delete') {
        for (let i = op.oldStart; i < op.oldEnd; i++) emit('-', a[i]);
      } else {
        for (let i = op.newStart; i < op.newEnd; i++) inserts.push(b[i]);
      }
    }
    for (const line of inserts) emit('+', line);
  }
  return out;
}
