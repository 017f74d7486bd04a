// seccompAvailable(): whether seccomp filters can be installed, without installing one in the
// Node process (a filter is irreversible and would apply to Node itself).
#include <linux/prctl.h>
#include <linux/seccomp.h>

#include "addon-exports.h"
#include "helper-sys.h"

#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

namespace {

// SECCOMP_GET_ACTION_AVAIL (Linux 4.14) answers 0 for an action the kernel knows.
bool action_available(uint32_t action) { return sys_raw(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, sys_arg(&action)) == 0; }

}  // namespace

napi_value seccomp_available(napi_env env, napi_callback_info) {
  // EINVAL: the kernel was built without CONFIG_SECCOMP.
  const long mode = sys_raw(__NR_prctl, PR_GET_SECCOMP);
  if (const int err = sys_error(mode)) return failure(env, "prctl", err);
  // The classic filter-mode probe: with a NULL program the kernel fails the copy with EFAULT
  // when it supports SECCOMP_MODE_FILTER, and with EINVAL when it does not.
  const bool filter = sys_raw(__NR_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0) == -EFAULT;

  Result r(env);
  // 0 disabled, 2 filter: the Node process may itself already run under a filter (a container).
  r.set_number("mode", static_cast<double>(mode));
  r.set_bool("filter", filter);
  // The helper's filter returns EPERM/ENOSYS and kills a foreign-ABI caller's whole process.
  r.set_bool("errnoAction", action_available(SECCOMP_RET_ERRNO));
  r.set_bool("killProcessAction", action_available(SECCOMP_RET_KILL_PROCESS));
  return r.result();
}
