// cli/suggest: "did you mean" for a mistyped command or flag. The nearest known spelling by edit
// distance (an adjacent swap counts as one edit), offered only when it is close enough that the
// typo is the likelier story than a different word.
import { UsageError } from '../errors';

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known word nearest to `word`, when at most a third of it (at least one character) differs. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.replace(/^-+/, '').length / 3));
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(word, candidate);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

/** `; did you mean "--network"?`, or nothing when no known word is near. */
export function didYouMean(word: string, known: readonly string[]): string {
  const near = closest(word.split('=')[0]!, known);
  return near === undefined ? '' : `; did you mean "${near}"?`;
}

/** The usage error for an option a command does not take, with the nearest one it does take. */
export function unknownOption(command: string, arg: string, known: readonly string[]): UsageError {
  return new UsageError(`unknown option "${arg}" for ${command}${didYouMean(arg, known)}; see codex-sandbox ${command} --help`, {
    source: { flag: arg.split('=')[0]! },
    value: arg,
  });
}
