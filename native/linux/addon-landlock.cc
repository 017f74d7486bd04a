// landlockAbi(): the kernel's Landlock ABI. Asking is harmless in a multithreaded process; the
// restriction itself only ever happens in the helper.
#include "addon-exports.h"
#include "helper-sys.h"

napi_value landlock_abi(napi_env env, napi_callback_info) {
  const long abi = sys_raw(__NR_landlock_create_ruleset, 0, 0, LANDLOCK_CREATE_RULESET_VERSION);
  // ENOSYS (not implemented) and EOPNOTSUPP (built in, not enabled at boot) stay distinct:
  // doctor gives different advice for each.
  if (const int err = sys_error(abi)) return failure(env, "landlock_create_ruleset", err);
  Result r(env);
  r.set_number("abi", static_cast<double>(abi));
  return r.result();
}
