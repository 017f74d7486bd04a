// landlockAbi(): the kernel's Landlock ABI. Asking is harmless in a multithreaded process; the
// restriction itself only ever happens in the helper.
#include <errno.h>
#include <unistd.h>

#include "addon-exports.h"
#include "landlock-compat.h"

Napi::Value landlock_abi(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const long abi = syscall(__NR_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  // ENOSYS (not implemented) and EOPNOTSUPP (built in, not enabled at boot) stay distinct:
  // doctor gives different advice for each.
  if (abi < 0) return failure(env, "landlock_create_ruleset", errno);
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", Napi::Boolean::New(env, true));
  result.Set("abi", Napi::Number::New(env, static_cast<double>(abi)));
  return result;
}
