// Which executor runs the test cases written for a mount namespace; no vitest import, so the
// security suite's child-process runners can use it too.
import { bwrapUnavailableReason, namespacesUnavailableReason } from '../../lib/platform/linux/plan';
import { probeCapabilities } from '../../lib/platform/linux/probe';

/**
 * Which executor runs the cases written for a mount namespace (`itOn('bwrap')`, `run('bwrap', ...)`):
 * both run the same mount plan, so each such case checks either. System bubblewrap by default;
 * the helper's own namespaces with CSBX_TEST_MOUNT_BACKEND=namespaces (the .ci/run passes with
 * bwrap hidden) or when no usable bwrap is installed (`npm test` on a fresh machine).
 */
export const MOUNT_BACKEND: 'bwrap' | 'namespaces' = ((): 'bwrap' | 'namespaces' => {
  const forced = process.env.CSBX_TEST_MOUNT_BACKEND;
  if (forced === 'namespaces' || forced === 'bwrap') return forced;
  if (forced !== undefined && forced !== '') throw new Error(`CSBX_TEST_MOUNT_BACKEND=${forced}: expected namespaces or bwrap`);
  return process.platform === 'linux' && noBwrapButNamespaces() ? 'namespaces' : 'bwrap';
})();

/** The backend a case written for `backend` runs on (see MOUNT_BACKEND). */
export function underTest<B extends string>(backend: B): B | 'bwrap' | 'namespaces' {
  return backend === 'bwrap' ? MOUNT_BACKEND : backend;
}

function noBwrapButNamespaces(): boolean {
  const caps = probeCapabilities();
  return bwrapUnavailableReason(caps) !== null && namespacesUnavailableReason(caps) === null;
}
