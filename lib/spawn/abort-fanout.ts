// spawn/abort-fanout: one 'abort' listener per AbortSignal, however many sandboxes share it. An
// agent commonly passes one signal to all its concurrent runs, and an EventTarget warns
// (MaxListenersExceededWarning) past ten listeners.
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onAbort` once when `signal` aborts; the returned function unsubscribes. */
export function onAbort(signal: AbortSignal, onAbort: () => void): () => void {
  let callbacks = waiting.get(signal);
  if (callbacks === undefined) {
    const set = new Set<() => void>();
    callbacks = set;
    waiting.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        waiting.delete(signal);
        for (const callback of set) callback();
      },
      { once: true },
    );
  }
  callbacks.add(onAbort);
  const set = callbacks;
  return () => {
    set.delete(onAbort);
  };
}
