// policy/strict-json: reads policy JSON text like JSON.parse, but refuses a key given twice in
// one object (issue #20). JSON.parse keeps the last one, so `"access":"deny","access":"read"`
// reads as deny to a person or a tool that looks at the first and as read to the sandbox. Pure.

/** A key given twice: the key (escapes decoded), the JSON path of its object, and the offset of the second. */
export interface DuplicateKey {
  key: string;
  path: (string | number)[];
  position: number;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * Walks text that JSON.parse has already accepted, so it only has to find where each value
 * starts and ends; keys are decoded with JSON.parse itself, so `"a"` and `"\u0061"` are the
 * same key, exactly as they are the same property. Iterative, so deep nesting cannot overflow
 * the stack that JSON.parse itself survived.
 */
function findDuplicateKey(text: string): DuplicateKey | undefined {
  type Frame = { kind: 'object'; keys: Set<string>; key: string | undefined } | { kind: 'array'; index: number };
  const stack: Frame[] = [];
  const pathOf = (): (string | number)[] => stack.map((f) => (f.kind === 'object' ? f.key! : f.index));
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const stringEnd = (start: number): number => {
    let j = start + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) return undefined;
    const c = text[i]!;
    if (c === '{' || c === '[') {
      stack.push(c === '{' ? { kind: 'object', keys: new Set(), key: undefined } : { kind: 'array', index: 0 });
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      // The container was the value of its parent's key: the parent now waits for its next key.
      const parent = stack[stack.length - 1];
      if (parent?.kind === 'object') parent.key = undefined;
      i++;
      continue;
    }
    if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '"' && top?.kind === 'object' && top.key === undefined) {
      // A key: the string before a colon.
      const end = stringEnd(i);
      const key = JSON.parse(text.slice(i, end)) as string;
      if (top.keys.has(key)) return { key, path: pathOf().slice(0, -1), position: i };
      top.keys.add(key);
      top.key = key;
      i = end;
      skipSpace();
      i++; // the colon
      continue;
    }
    // A scalar value: a string, a number, true, false or null.
    i = c === '"' ? stringEnd(i) : i + 1;
    while (c !== '"' && i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
    if (top?.kind === 'object') top.key = undefined;
  }
}

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; error: SyntaxError } | { ok: false; duplicate: DuplicateKey };

/** JSON.parse of `text`, or why not: malformed JSON, or the first key given twice in one object. */
export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    return { ok: false, error: err as SyntaxError };
  }
  const duplicate = findDuplicateKey(text);
  return duplicate === undefined ? { ok: true, value } : { ok: false, duplicate };
}
