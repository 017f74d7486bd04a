// --probe userns: can this user create a user namespace? It needs a single-threaded process
// (unshare(CLONE_NEWUSER) fails with EINVAL in a multithreaded one), so probe.ts asks the helper
// instead of the addon. Writing uid_map as well catches hosts where unshare succeeds but the
// namespace is useless (Ubuntu's apparmor_restrict_unprivileged_userns).
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helper-config.h"
#include "helper-die.h"

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
  const unsigned uid = static_cast<unsigned>(getuid());
  char map[64];
  const int len = snprintf(map, sizeof(map), "%u %u 1\n", uid, uid);
  if (len <= 0 || static_cast<size_t>(len) >= sizeof(map)) die("userns probe: uid_map line too long");

  if (unshare(CLONE_NEWUSER) != 0) probe_failed("unshare", "CLONE_NEWUSER");
  int fd;
  do {
    fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) probe_failed("open", "/proc/self/uid_map");
  ssize_t written;
  do {
    written = write(fd, map, static_cast<size_t>(len));
  } while (written < 0 && errno == EINTR);
  if (written != len) probe_failed("write", "/proc/self/uid_map");
  close(fd);
  _exit(0);
}
