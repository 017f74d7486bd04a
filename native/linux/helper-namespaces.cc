// --namespaces, first half: the namespaces. One unshare makes the user namespace and, owned by
// it, the mount, PID and IPC namespaces (and the network namespace when the network is
// restricted or proxied). The caller's uid and gid map to themselves, as bubblewrap maps them, so files the
// command creates in writable roots belong to the user. A PID namespace takes effect for
// children only, so the helper forks: the child is PID 1 of the sandbox and goes on to build the
// root and run the command under --reaper; this process stays outside as the monitor, holding
// nothing the sandbox can reach, and exits with the sandbox's status as bubblewrap's monitor
// does. Each end dies with the other (PR_SET_PDEATHSIG), so killing the monitor ends the sandbox.
#include <asm/siginfo.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

namespace {

// Writes `text` to a /proc/self file in one write(2), as the kernel requires for id maps.
void write_proc_file(const char* path, const char* text, size_t len) {
  int fd;
  do {
    fd = sys_openat(AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) die_errno("open", path);
  long written;
  do {
    written = sys_write(fd, text, len);
  } while (written < 0 && errno == EINTR);
  if (written != static_cast<long>(len)) die_errno("write", path);
  sys_close(fd);
}

// "ID ID 1\n": one id, mapped to itself. The Line builder without its prefix is a bounded buffer.
void write_id_map(const char* path, unsigned id) {
  Line map;
  map.len = 0;
  line_add_u64(&map, id);
  line_add(&map, " ");
  line_add_u64(&map, id);
  line_add(&map, " 1\n");
  write_proc_file(path, map.text, map.len);
}

// The exit status bubblewrap's monitor reports: the sandbox's own, or 128 + the killing signal.
int relayed_status(int wait_status) {
  const int signal = wait_status & 0x7f;
  if (signal == 0) return (wait_status >> 8) & 0xff;
  return kExitSignalBase + signal;
}

[[noreturn]] void monitor(int child) {
  for (;;) {
    int status;
    const int pid = sys_wait4(child, &status, 0);
    if (pid == child) sys_exit_group(relayed_status(status));
    if (pid < 0 && errno != EINTR) die_errno("waitpid", "sandbox PID 1");
  }
}

// Exits with the sandbox's status once PID 1 is gone; false when it is still running.
void exit_if_ended(int child) {
  for (;;) {
    int status;
    const int pid = sys_wait4(child, &status, WNOHANG);
    if (pid == child) sys_exit_group(relayed_status(status));
    if (pid == 0) return;
    if (errno != EINTR) die_errno("waitpid", "sandbox PID 1");
  }
}

// --exit-on-signal: the monitor as the process `codex-sandbox run` replaced itself with. Where
// run's Node parent would forward SIGHUP, SIGINT, SIGQUIT or SIGTERM to a spawned monitor, see it
// die of the signal and exit 128+N, this monitor exits 128+N itself; its exit ends the sandbox
// (PID 1's PR_SET_PDEATHSIG) as its death would.
[[noreturn]] void monitor_exiting_on_signal(int child) {
  // SIGCHLD ignored (inherited) would auto-reap PID 1 and hide its status.
  SysSigaction dfl = {};
  dfl.handler = SIG_DFL;
  if (sys_rt_sigaction(SIGCHLD, &dfl, nullptr) != 0) die_errno("sigaction", "SIGCHLD");
  const SysSigset waited = sys_sigbit(SIGCHLD) | sys_sigbit(SIGHUP) | sys_sigbit(SIGINT) | sys_sigbit(SIGQUIT) | sys_sigbit(SIGTERM);
  if (sys_rt_sigprocmask(SIG_BLOCK, &waited, nullptr) != 0) die_errno("sigprocmask", "");
  // PID 1 may have ended before SIGCHLD was blocked.
  exit_if_ended(child);
  for (;;) {
    SysSiginfo info;
    const int sig = sys_rt_sigtimedwait(&waited, &info);
    if (sig < 0) {
      if (errno == EINTR) continue;
      die_errno("sigwaitinfo", "");
    }
    if (sig != SIGCHLD) sys_exit_group(kExitSignalBase + sig);
    exit_if_ended(child);
  }
}

}  // namespace

void enter_namespaces(const HelperConfig* config) {
  const int parent = sys_getppid();
  if (sys_prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die_errno("prctl", "PR_SET_PDEATHSIG");
  // The caller may have died before PR_SET_PDEATHSIG took effect; then no signal will come.
  if (sys_getppid() != parent) die("parent exited before the sandbox started");

  const unsigned uid = static_cast<unsigned>(sys_getuid());
  const unsigned gid = static_cast<unsigned>(sys_getgid());
  unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC;
  // A proxied network gets the same empty namespace: only lo, where the relay listens.
  const bool own_network = config->network != NetworkMode::kEnabled;
  if (own_network) flags |= CLONE_NEWNET;
  if (sys_unshare(flags) != 0) {
    die_errno("unshare", own_network ? "CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWIPC|CLONE_NEWNET"
                                     : "CLONE_NEWUSER|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWIPC");
  }
  // An unprivileged user may write gid_map only after giving up setgroups(2); for root it costs
  // nothing the sandbox should have.
  write_proc_file("/proc/self/setgroups", "deny", 4);
  write_id_map("/proc/self/uid_map", uid);
  write_id_map("/proc/self/gid_map", gid);

  // The child learns of a monitor that died before the child's PR_SET_PDEATHSIG took effect by
  // the pipe: only the monitor holds its write end, so a read sees end-of-file once it is gone.
  int alive[2];
  if (sys_pipe2(alive, O_CLOEXEC | O_NONBLOCK) != 0) die_errno("pipe2", "");
  const int child = sys_fork();
  if (child < 0) die_errno("fork", "sandbox PID 1");
  if (child > 0) {
    sys_close(alive[0]);
    if (config->exit_on_signal) monitor_exiting_on_signal(child);
    monitor(child);
  }

  sys_close(alive[1]);
  if (sys_prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die_errno("prctl", "PR_SET_PDEATHSIG");
  char byte;
  if (sys_read(alive[0], &byte, 1) == 0) sys_exit_group(kExitSignalBase + SIGKILL);
  sys_close(alive[0]);
  // setsid: the command cannot push keystrokes into the caller's terminal with TIOCSTI.
  if (sys_setsid() < 0) die_errno("setsid", "");
}
