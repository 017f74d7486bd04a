// The one place property tests get their fast-check settings from:
// - CSBX_PROPERTY_RUNS: numRuns (FC_NUM_RUNS, the older name, is still read);
// - CSBX_PROPERTY_SEED: replays a run (FC_SEED still read); otherwise a fresh seed;
// the seed is printed so a failure can be replayed, and each shrunk counterexample then becomes a
// named regression case.

export interface PropertySettings {
  numRuns: number;
  seed: number;
}

function fromEnv(names: readonly string[]): number | undefined {
  for (const name of names) {
    const raw = process.env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`${name}=${raw} is not an integer`);
    return n;
  }
  return undefined;
}

export interface PropertyOptions {
  /** When no variable is set; suites that spawn a sandbox per case pick fewer. Default 200. */
  defaultRuns?: number;
  /** The default under CI=true, when it differs. */
  ciRuns?: number;
  /** A suite's own count variable, read before the shared one (CSBX_PROPERTY_RUNS_MACOS). */
  runsVar?: string;
}

/** `label` names the suite in the printed line. */
export function propertySettings(label: string, opts: PropertyOptions = {}): PropertySettings {
  const asked = fromEnv([...(opts.runsVar === undefined ? [] : [opts.runsVar]), 'CSBX_PROPERTY_RUNS', 'FC_NUM_RUNS']);
  const fallback = opts.defaultRuns ?? 200;
  const numRuns = asked ?? (process.env.CI === 'true' ? (opts.ciRuns ?? fallback) : fallback);
  const seed = fromEnv(['CSBX_PROPERTY_SEED', 'FC_SEED']) ?? Math.floor(Math.random() * 2 ** 31);
  console.log(`${label}: numRuns=${numRuns} seed=${seed} (replay with CSBX_PROPERTY_SEED=${seed})`);
  return { numRuns, seed };
}
