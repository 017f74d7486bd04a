// seccompAvailable(): whether seccomp filters can be installed, without installing one in the
// Node process (a filter is irreversible and would apply to Node itself).
#include <errno.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "addon-exports.h"

#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

namespace {

// SECCOMP_GET_ACTION_AVAIL (Linux 4.14) answers 0 for an action the kernel knows.
bool action_available(uint32_t action) { return syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0; }

}  // namespace

Napi::Value seccomp_available(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // EINVAL: the kernel was built without CONFIG_SECCOMP.
  const int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
  if (mode < 0) return failure(env, "prctl", errno);
  // The classic filter-mode probe: with a NULL program the kernel fails the copy with EFAULT
  // when it supports SECCOMP_MODE_FILTER, and with EINVAL when it does not.
  const bool filter = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, nullptr, 0, 0) != 0 && errno == EFAULT;

  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", Napi::Boolean::New(env, true));
  // 0 disabled, 2 filter: the Node process may itself already run under a filter (a container).
  result.Set("mode", Napi::Number::New(env, mode));
  result.Set("filter", Napi::Boolean::New(env, filter));
  // The helper's filter returns EPERM/ENOSYS and kills a foreign-ABI caller's whole process.
  result.Set("errnoAction", Napi::Boolean::New(env, action_available(SECCOMP_RET_ERRNO)));
  result.Set("killProcessAction", Napi::Boolean::New(env, action_available(SECCOMP_RET_KILL_PROCESS)));
  return result;
}
