// --probe namespaces: can the helper build a sandbox of its own here? It goes through the same
// enter_namespaces as a real run (so a host where unshare succeeds but the namespace is useless,
// such as Ubuntu's apparmor_restrict_unprivileged_userns, fails the same way), then, in the
// sandbox's PID 1, mounts a tmpfs and a fresh procfs on it. Exit statuses, which probe.ts reads:
//   0    everything works;
//   2    the namespaces work but mounting does not;
//   3    everything but the fresh /proc works (some container runtimes refuse it);
//   125  the namespaces could not be made (one line says which call failed).
// It needs a single-threaded process (unshare(CLONE_NEWUSER) fails with EINVAL in a
// multithreaded one), so probe.ts asks the helper instead of the addon.
#include <linux/mount.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

namespace {

[[noreturn]] void probe_failed(int status, const char* call, const char* detail) {
  const int err = errno;
  Line line;
  line_start(&line);
  line_add(&line, "namespaces probe: ");
  line_add(&line, call);
  line_add(&line, " ");
  line_add(&line, detail);
  line_add_errno(&line, err);
  die_line(&line, status);
}

}  // namespace

void run_probe_namespaces() {
  HelperConfig config = {};
  config.network = NetworkMode::kRestricted;
  enter_namespaces(&config);
  if (sys_mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE) != 0) probe_failed(2, "mount", "/ (private)");
  if (sys_mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") != 0) probe_failed(2, "mount", "tmpfs on /tmp");
  if (sys_mkdirat(AT_FDCWD, "/tmp/proc", 0700) != 0) probe_failed(2, "mkdir", "/tmp/proc");
  if (sys_mount("proc", "/tmp/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV) != 0) probe_failed(3, "mount", "proc");
  sys_exit_group(0);
}
