// policy/short-policy: the short policy form `{ sandbox, writableRoots, network }`, checked as
// strictly as the wire forms (an unknown key is an error) and expanded by builtinPolicy, so a
// short form and the built-in mode it names can never disagree.
import type { ErrorSource } from '../errors';
import { BUILTIN_POLICY_NAMES, builtinPolicy } from './builtin';
import { policyErrorFromZod } from './invalid-input';
import type { SandboxPolicy } from './types';
import type { ShortPolicy } from './wire-types';
import { absolutePathSchema, networkPolicySchema } from './wire-schema';
import { onFirstUse, parseWith } from './zod-load';

export const shortPolicySchema = onFirstUse((z) =>
  z.strictObject({
    sandbox: z.enum(BUILTIN_POLICY_NAMES as unknown as ['read-only', 'workspace-write', 'danger-full-access']),
    writableRoots: z.optional(z.array(absolutePathSchema())),
    network: z.optional(z.union([z.boolean(), networkPolicySchema()])),
  }),
);

/** True for an object that uses the short form's discriminating key. */
export function isShortPolicyShape(value: object): boolean {
  return 'sandbox' in value;
}

export function parseShortPolicy(value: unknown, source?: ErrorSource): SandboxPolicy {
  const result = parseWith(shortPolicySchema, value);
  if (!result.success) throw policyErrorFromZod(result.error, value, 'short policy', source);
  const short = result.data as ShortPolicy;
  return builtinPolicy(short.sandbox, {
    ...(short.writableRoots === undefined ? {} : { writableRoots: [...short.writableRoots] }),
    ...(short.network === undefined ? {} : { network: short.network }),
  });
}
