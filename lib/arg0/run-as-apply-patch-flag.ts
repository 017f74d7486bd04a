// arg0/run-as-apply-patch-flag: the first argument that makes any entry apply a patch and exit
// (reference apply-patch-arg0.md §7.1). Its own module so the dispatcher can test for it without
// loading the applier.
export const CODEX_RUN_AS_APPLY_PATCH = '--codex-run-as-apply-patch';
