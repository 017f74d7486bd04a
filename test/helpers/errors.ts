// The one way tests catch an expected error: `thrown` returns the SandboxError a call throws and
// fails the test when it returns instead, or throws anything else (a bug, not a refusal).
import { isSandboxError, type SandboxError } from '../../lib/errors';

export function thrown(fn: () => unknown): SandboxError {
  let result: unknown;
  try {
    result = fn();
  } catch (err) {
    if (isSandboxError(err)) return err;
    throw err;
  }
  throw new Error(`expected a SandboxError, got a result: ${JSON.stringify(result)?.slice(0, 200)}`);
}

/** `CODE: message`, the form a test compares one refusal against. */
export function thrownText(fn: () => unknown): string {
  const err = thrown(fn);
  return `${err.code}: ${err.message}`;
}
