// --probe userns: can this user create a user namespace? It needs a single-threaded process
// (unshare(CLONE_NEWUSER) fails with EINVAL in a multithreaded one), so probe.ts asks the helper
// instead of the addon. Writing uid_map as well catches hosts where unshare succeeds but the
// namespace is useless (Ubuntu's apparmor_restrict_unprivileged_userns).
#include <linux/sched.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

namespace {

[[noreturn]] void probe_failed(const char* call, const char* detail) {
  const int err = errno;
  Line line;
  line_start(&line);
  line_add(&line, "userns probe: ");
  line_add(&line, call);
  line_add(&line, " ");
  line_add(&line, detail);
  line_add_errno(&line, err);
  die_line(&line, 1);
}

}  // namespace

void run_probe_userns() {
  // "UID UID 1\n": the Line builder without its prefix is a bounded text buffer.
  const uint64_t uid = static_cast<unsigned>(sys_getuid());
  Line map;
  map.len = 0;
  line_add_u64(&map, uid);
  line_add(&map, " ");
  line_add_u64(&map, uid);
  line_add(&map, " 1\n");

  if (sys_unshare(CLONE_NEWUSER) != 0) probe_failed("unshare", "CLONE_NEWUSER");
  int fd;
  do {
    fd = sys_openat(AT_FDCWD, "/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) probe_failed("open", "/proc/self/uid_map");
  long written;
  do {
    written = sys_write(fd, map.text, map.len);
  } while (written < 0 && errno == EINTR);
  if (written != static_cast<long>(map.len)) probe_failed("write", "/proc/self/uid_map");
  sys_close(fd);
  sys_exit_group(0);
}
