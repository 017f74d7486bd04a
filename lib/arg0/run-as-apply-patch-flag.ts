// arg0/run-as-apply-patch-flag: the first argument that makes any entry apply a patch and exit
// (docs/reference.md#arg0-dispatch). Its own module so the dispatcher can test for it without
// loading the applier.
export const CODEX_RUN_AS_APPLY_PATCH = '--codex-run-as-apply-patch';
