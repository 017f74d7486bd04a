// The last step: become the command. execvp searches PATH (the command's own environment) and
// runs a file without a #! line through /bin/sh, as a shell would. The command inherits only
// stdin, stdout and stderr: an inherited descriptor could be a socket connected before the
// sandbox existed, which the restricted seccomp mode could not stop (reference §7.4 does the same).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper-config.h"
#include "helper-die.h"

#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace {

// Without CLOSE_RANGE_CLOEXEC: walk /proc/self/fd with getdents64 into a stack buffer and mark
// each descriptor.
void mark_cloexec_by_listing() {
  int dir;
  do {
    dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (dir < 0 && errno == EINTR);
  if (dir < 0) die_errno("open", "/proc/self/fd");
  alignas(8) char buf[4096];
  for (;;) {
    const long n = syscall(SYS_getdents64, dir, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("getdents64", "/proc/self/fd");
    }
    if (n == 0) break;
    for (long at = 0; at < n;) {
      const dirent64* entry = reinterpret_cast<const dirent64*>(buf + at);
      at += entry->d_reclen;
      int fd = 0;
      bool numeric = entry->d_name[0] != '\0';
      for (const char* c = entry->d_name; *c != '\0'; ++c) {
        if (*c < '0' || *c > '9') numeric = false;
        else fd = fd * 10 + (*c - '0');
      }
      if (!numeric || fd <= STDERR_FILENO || fd == dir) continue;
      const int flags = fcntl(fd, F_GETFD);
      if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != 0) die_errno("fcntl", "F_SETFD FD_CLOEXEC");
    }
  }
  close(dir);
}

}  // namespace

void mark_inherited_fds_cloexec() {
  // ENOSYS/EINVAL before Linux 5.11; EPERM under container seccomp profiles older than the call.
  // Whatever the reason, the listing does the same job or fails closed.
  if (syscall(__NR_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  mark_cloexec_by_listing();
}

void apply_env_assignments(const HelperConfig* config) {
  // putenv keeps the pointer, and argv lives until exec; a later --setenv of a name wins.
  for (size_t i = 0; i < config->env_count; ++i) {
    if (putenv(config->env_assignments[i]) != 0) die_errno("putenv", config->env_assignments[i]);
  }
}

void exec_command(char* const* command) {
  execvp(command[0], command);
  const int err = errno;
  int status = kExitSetup;
  if (err == ENOENT || err == ENOTDIR) status = kExitNotFound;
  if (err == EACCES || err == ENOEXEC || err == EISDIR) status = kExitNotExecutable;
  errno = err;
  die_errno_status(status, "execvp", command[0]);
}
