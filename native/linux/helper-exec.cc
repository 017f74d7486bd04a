// The last step: become the command. execvp searches PATH (the command's own environment) and
// runs a file without a #! line through /bin/sh, as a shell would. The command inherits only
// stdin, stdout and stderr: an inherited descriptor could be a socket connected before the
// sandbox existed, which the restricted seccomp mode could not stop (docs/reference.md#inner-stage does the same).
#include <linux/close_range.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace {

// What getdents64 returns, per entry (the kernel's struct linux_dirent64).
struct DirEntry {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// Without CLOSE_RANGE_CLOEXEC: walk /proc/self/fd with getdents64 into a stack buffer and mark
// each descriptor.
void mark_cloexec_by_listing() {
  int dir;
  do {
    dir = sys_openat(AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (dir < 0 && errno == EINTR);
  if (dir < 0) die_errno("open", "/proc/self/fd");
  alignas(8) char buf[4096];
  for (;;) {
    const long n = sys_getdents64(dir, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("getdents64", "/proc/self/fd");
    }
    if (n == 0) break;
    for (long at = 0; at < n;) {
      const DirEntry* entry = reinterpret_cast<const DirEntry*>(buf + at);
      at += entry->d_reclen;
      int fd = 0;
      bool numeric = entry->d_name[0] != '\0';
      for (const char* c = entry->d_name; *c != '\0'; ++c) {
        if (*c < '0' || *c > '9')
          numeric = false;
        else
          fd = fd * 10 + (*c - '0');
      }
      if (!numeric || fd <= 2 || fd == dir) continue;
      const int flags = sys_fcntl(fd, F_GETFD, 0);
      if (flags < 0 || sys_fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != 0) die_errno("fcntl", "F_SETFD FD_CLOEXEC");
    }
  }
  sys_close(dir);
}

// True when entry is "NAME=..." for the name_len bytes of name.
bool has_name(const char* entry, const char* name, size_t name_len) {
  for (size_t i = 0; i < name_len; ++i) {
    if (entry[i] != name[i]) return false;
  }
  return entry[name_len] == '=';
}

// execve, then, when the kernel does not recognise the file's format (ENOEXEC: no #! line, not
// ELF), the same file through the shell as "/bin/sh FILE ARGS...", as glibc's execvp does.
// Returns only on failure, with errno from the last attempt.
void exec_file(const char* path, const HelperConfig* config) {
  sys_execve(path, config->command, config->command_env);
  if (errno != ENOEXEC) return;
  char** argv = config->script_argv;
  size_t n = 0;
  argv[n++] = const_cast<char*>("/bin/sh");
  argv[n++] = const_cast<char*>(path);
  for (char* const* arg = config->command + 1; *arg != nullptr; ++arg) argv[n++] = *arg;
  argv[n] = nullptr;
  sys_execve(argv[0], argv, config->command_env);
}

constexpr size_t kPathMax = 4096;  // PATH_MAX
constexpr size_t kNameMax = 255;   // NAME_MAX

// glibc's execvp, with the command's environment for both the PATH lookup and the new program.
// A name with a '/' is run as it is. Otherwise each PATH element is tried in order (an empty one
// is the current directory, an unset PATH is "/bin:/usr/bin"). A candidate that is missing or
// unreachable (ENOENT, ENOTDIR, ESTALE, ENODEV, ETIMEDOUT) or denied (EACCES) moves on to the
// next; any other error is the answer. When every candidate failed, EACCES wins if any candidate
// gave it, so a command that exists but may not be run is not reported as missing.
void execvp_command(const HelperConfig* config) {
  const char* file = config->command[0];
  if (file[0] == '\0') {
    errno = ENOENT;
    return;
  }
  if (strchr(file, '/') != nullptr) {
    exec_file(file, config);
    return;
  }
  const char* path = "/bin:/usr/bin";
  for (char* const* entry = config->command_env; *entry != nullptr; ++entry) {
    if (has_name(*entry, "PATH", 4)) {
      path = *entry + 5;
      break;
    }
  }
  // A name longer than NAME_MAX fails in every directory that exists (ENAMETOOLONG); its first
  // NAME_MAX+1 bytes fail the same way, and keep the candidate within the buffer below.
  size_t file_len = 0;
  while (file_len <= kNameMax && file[file_len] != '\0') ++file_len;
  char candidate[kPathMax + 1 + kNameMax + 2];

  bool denied = false;
  errno = ENOENT;  // a PATH with no usable element finds nothing
  for (const char* element = path;;) {
    const char* end = strchr(element, ':');
    if (end == nullptr) end = element + strlen(element);
    const size_t len = static_cast<size_t>(end - element);
    // An element of PATH_MAX bytes or more cannot name a directory; glibc skips it too.
    if (len < kPathMax) {
      memcpy(candidate, element, len);
      size_t at = len;
      if (len > 0) candidate[at++] = '/';
      memcpy(candidate + at, file, file_len);
      candidate[at + file_len] = '\0';
      exec_file(candidate, config);
      switch (errno) {
        case EACCES: denied = true; break;
        case ENOENT:
        case ENOTDIR:
        case ESTALE:
        case ENODEV:
        case ETIMEDOUT: break;
        default: return;
      }
    }
    if (*end == '\0') break;
    element = end + 1;
  }
  if (denied) errno = EACCES;
}

}  // namespace

void mark_inherited_fds_cloexec() {
  // ENOSYS/EINVAL before Linux 5.11; EPERM under container seccomp profiles older than the call.
  // Whatever the reason, the listing does the same job or fails closed.
  if (sys_close_range(3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  mark_cloexec_by_listing();
}

void apply_env_assignments(HelperConfig* config) {
  // As a series of putenv calls would: an assignment replaces the first variable of its name in
  // place, or is appended; a later --setenv of a name replaces an earlier one. The strings stay
  // in argv and the helper's own environment, which live until exec.
  size_t count = 0;
  for (char* const* entry = config->caller_env; *entry != nullptr; ++entry) config->command_env[count++] = *entry;
  for (size_t i = 0; i < config->env_count; ++i) {
    char* assignment = config->env_assignments[i];
    const size_t name_len = static_cast<size_t>(strchr(assignment, '=') - assignment);
    size_t at = 0;
    while (at < count && !has_name(config->command_env[at], assignment, name_len)) ++at;
    config->command_env[at] = assignment;
    if (at == count) ++count;
  }
  config->command_env[count] = nullptr;
}

void exec_command(const HelperConfig* config) {
  execvp_command(config);
  const int err = errno;
  int status = kExitSetup;
  if (err == ENOENT || err == ENOTDIR) status = kExitNotFound;
  if (err == EACCES || err == ENOEXEC || err == EISDIR) status = kExitNotExecutable;
  errno = err;
  die_errno_status(status, "execvp", config->command[0]);
}
