// Capabilities: a helper started by root (the Landlock and seccomp-only backends have no user
// namespace) would hand the command every capability: CAP_SYS_MODULE loads kernel code,
// CAP_SYS_ADMIN, CAP_NET_ADMIN and the rest reach past Landlock and seccomp. bubblewrap drops them
// for its backend (--cap-drop ALL); this does the same for ours. Order: the bounding set first
// (dropping needs CAP_SETPCAP, which the capset below removes), then the ambient set, then the
// effective, permitted and inheritable sets. With all of them empty and no_new_privs set, an
// execve as uid 0 gains nothing back (the kernel caps the new permitted set by the old one).
// Without any capability (an ordinary user, or bwrap's inner stage) this is a capget and nothing
// else.
#include <linux/capability.h>
#include <linux/prctl.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#endif
#ifndef PR_CAP_AMBIENT_CLEAR_ALL
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

namespace {

bool any_capability(const __user_cap_data_struct* data) {
  for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; ++i) {
    if ((data[i].effective | data[i].permitted | data[i].inheritable) != 0) return true;
  }
  return false;
}

void read_capabilities(__user_cap_data_struct* data) {
  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  if (sys_capget(&header, data) != 0) die_errno("capget", "");
}

}  // namespace

void drop_capabilities() {
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  read_capabilities(data);

  const bool has_setpcap = (data[CAP_TO_INDEX(CAP_SETPCAP)].effective & CAP_TO_MASK(CAP_SETPCAP)) != 0;
  if (has_setpcap) {
    // PR_CAPBSET_READ fails with EINVAL past the kernel's last capability.
    for (unsigned long cap = 0; cap < 64; ++cap) {
      const int in_set = sys_prctl(PR_CAPBSET_READ, cap);
      if (in_set < 0) {
        if (errno == EINVAL) break;
        die_errno("prctl", "PR_CAPBSET_READ");
      }
      if (in_set == 1 && sys_prctl(PR_CAPBSET_DROP, cap) != 0) die_errno("prctl", "PR_CAPBSET_DROP");
    }
  }
  // EINVAL: a kernel before 4.3 has no ambient set, so there is nothing to clear.
  if (sys_prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) != 0 && errno != EINVAL) {
    die_errno("prctl", "PR_CAP_AMBIENT_CLEAR_ALL");
  }
  if (!any_capability(data)) return;

  __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
  if (sys_capset(&header, none) != 0) die_errno("capset", "");
  read_capabilities(data);
  if (any_capability(data)) die("capabilities remain after capset; refusing to run the command");
}
