// spawn/plan-memo: remembers the plans spawnSandboxed built, so that an agent running command
// after command under one policy does not parse, resolve and plan it again each time (that JS
// work cost about as much as the helper's own start-up; docs/benchmarks.md).
//
// A plan is a function of its inputs and of what the host answered while it was built: the
// policy core and the planners reach the host only through the Host they are
// given (docs/architecture.md#the-pipeline). So a remembered plan is reused only when
//   - the inputs are the same: the key is a snapshot of the policy as JSON text, and the plan is
//     built from that snapshot, never from the caller's object, which may change afterwards;
//   - every host question asked while building it gets the same answer again now. The questions
//     are asked again, against the live host, on every reuse.
// Anything else (a policy value that is not plain JSON data, a build that throws) is not
// remembered. Remembered values are deep-frozen, since every later run shares them.
import type { Host } from '../policy/types';

interface HostQuestion {
  /** Asks the same question of another host (the live one, on reuse). */
  ask: (host: Host) => unknown;
  /** JSON text of the answer ('u' for undefined). */
  answer: string;
}

interface Remembered<T> {
  questions: HostQuestion[];
  value: T;
}

const MAX_DEPTH = 64;

function appendJson(value: unknown, depth: number, out: string[]): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
    return true;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return false;
    out.push(JSON.stringify(value));
    return true;
  }
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      // A hole or undefined element is not JSON data (JSON.stringify would write null).
      if (!(i in value) || !appendJson(value[i], depth + 1, out)) return false;
    }
    out.push(']');
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  out.push('{');
  let first = true;
  for (const key of Object.keys(value)) {
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    // An undefined value is still a key to a strict schema, so such a policy takes the slow path.
    if (!appendJson((value as Record<string, unknown>)[key], depth + 1, out)) return false;
  }
  out.push('}');
  return true;
}

/**
 * The value as JSON text when it is plain JSON data (null, booleans, finite numbers, strings,
 * dense arrays, plain objects without undefined values), else undefined. JSON.parse of the text
 * gives back an equal value, which is what makes the text usable as a memo key.
 */
export function jsonSnapshot(value: unknown): string | undefined {
  const out: string[] = [];
  return appendJson(value, 0, out) ? out.join('') : undefined;
}

function answerText(answer: unknown): string {
  return answer === undefined ? 'u' : JSON.stringify(answer);
}

/** `live`, with every question asked through it remembered once, with its answer. */
function recordingHost(live: Host, questions: HostQuestion[]): Host {
  // The policy core and the planner ask about the same paths more than once; one check each
  // keeps reuse cheap.
  const asked = new Set<string>();
  const record = <R>(method: keyof Host, arg: string | null, ask: (host: Host) => R): R => {
    const answer = ask(live);
    const question = arg === null ? method : `${method}\0${arg}`;
    if (!asked.has(question)) {
      asked.add(question);
      questions.push({ ask, answer: answerText(answer) });
    }
    return answer;
  };
  return {
    processCwd: () => record('processCwd', null, (h) => h.processCwd()),
    homeDir: () => record('homeDir', null, (h) => h.homeDir()),
    env: (name) => record('env', name, (h) => h.env(name)),
    lstat: (path) => record('lstat', path, (h) => h.lstat(path)),
    stat: (path) => record('stat', path, (h) => h.stat(path)),
    realpath: (path) => record('realpath', path, (h) => h.realpath(path)),
    readFile: (path) => record('readFile', path, (h) => h.readFile(path)),
    readdir: (path) => record('readdir', path, (h) => h.readdir(path)),
    isEmpty: (path) => record('isEmpty', path, (h) => h.isEmpty(path)),
  };
}

function stillTrue(questions: readonly HostQuestion[], live: Host): boolean {
  for (const q of questions) if (answerText(q.ask(live)) !== q.answer) return false;
  return true;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** A bounded memo of builds that depend on the machine only through the Host they are given. */
export class PlanMemo<T> {
  private readonly entries = new Map<string, Remembered<T>>();

  constructor(private readonly capacity: number) {}

  /**
   * The value remembered under `key` if every host question its build asked still has the same
   * answer on `live`; otherwise builds it again with a recording host and remembers the result.
   */
  get(key: string, live: Host, build: (host: Host) => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      if (stillTrue(hit.questions, live)) {
        this.entries.set(key, hit);
        return hit.value;
      }
    }
    const questions: HostQuestion[] = [];
    const value = deepFreeze(build(recordingHost(live, questions)));
    this.entries.set(key, { questions, value });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
