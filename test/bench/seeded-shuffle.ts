// The order variants run in within one bench round. A fixed order (or a rotation) makes each
// variant follow the same neighbour every round and pay for its after-effects; a seeded shuffle
// varies the neighbours and still repeats from run to run.

/** A shuffler with its own fixed seed: each call returns a new random order of `items`. */
export function seededShuffler(seed = 0x2545f491): <T>(items: readonly T[]) => T[] {
  let state = seed;
  const nextRandom = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return <T>(items: readonly T[]): T[] => {
    const order = [...items];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(nextRandom() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  };
}
