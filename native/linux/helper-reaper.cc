// --reaper: for the Landlock and seccomp-only backends there is no PID namespace whose end kills
// everything, so the helper stays behind as a child subreaper (PR_SET_CHILD_SUBREAPER): every
// orphaned descendant of the command, including one that called setsid(), is reparented to it.
// When the command exits it SIGKILLs every remaining child until none is left, then exits with
// the command's status. Nothing outlives the sandbox.
//
// SIGUSR1 ends the sandbox: the kernel sends it when the helper's parent (Node) dies
// (PR_SET_PDEATHSIG), and a caller sends it to stop everything at once. The helper then kills the
// command and every descendant and exits 128+SIGKILL.
//
// Limit: SIGKILL to the helper itself cannot be caught. The command gets PR_SET_PDEATHSIG=SIGKILL
// so it dies with the helper, but its own descendants may then survive; callers stop a sandbox
// with SIGUSR1, never with SIGKILL to the helper.
//
// Inside bubblewrap (`--as-pid-1`) the reaper is PID 1 of the sandbox's PID namespace, as the
// reference's E5 inner stage is (docs/reference.md#inner-stage). There the kernel already ends every
// process of the namespace when PID 1 exits, and drops a SIGKILL the command sends to PID 1
// (pid_namespaces(7)); the other signals reach it because they are blocked, not left at SIG_DFL.
// Its /proc may be the host's (no --proc when the mount is refused), whose children file would
// list host pids, so PID 1 kills with kill(-1), which reaches exactly the namespace's processes.
//
// In every case the reaper is non-dumpable: the command runs with the reaper's uid, and without
// PR_SET_DUMPABLE 0 it could open /proc/<reaper>/mem and run code in the process that holds the
// sandbox together (issue #20). Only CAP_SYS_PTRACE overrides that, and the command has none.
#include <asm/siginfo.h>
#include <linux/fs.h>
#include <linux/prctl.h>
#include <linux/wait.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

namespace {

const int kForwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};
// Parent death, or a caller's request to stop the sandbox: both end it the same way.
const int kEndSandbox = SIGUSR1;

SysSigset g_waited;    // forwarded signals, SIGCHLD and kEndSandbox, blocked
SysSigset g_original;  // the mask to restore in the command

// Reads the current direct children from /proc/self/task/<tid>/children (opened before any
// restriction, so Landlock cannot take it away) and SIGKILLs each. Returns how many it found.
size_t kill_children(int children_fd) {
  char buf[4096];
  size_t found = 0;
  long pid = 0;
  bool in_number = false;
  if (sys_lseek(children_fd, 0, SEEK_SET) != 0) die_errno("lseek", "/proc/self/task/*/children");
  for (;;) {
    const long n = sys_read(children_fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("read", "/proc/self/task/*/children");
    }
    if (n == 0) break;
    for (long i = 0; i < n; ++i) {
      if (buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
        in_number = true;
      } else if (in_number) {
        // ESRCH: it exited meanwhile; a zombie is reaped by the caller's wait.
        sys_kill(static_cast<int>(pid), SIGKILL);
        ++found;
        pid = 0;
        in_number = false;
      }
    }
  }
  if (in_number) {
    sys_kill(static_cast<int>(pid), SIGKILL);
    ++found;
  }
  return found;
}

// Kills and reaps every descendant. A killed process's own children are reparented to this
// subreaper, so the loop repeats until no child at all remains. children_fd < 0: the reaper is
// PID 1 of its namespace, where kill(-1) signals every other process of the namespace and none
// outside it.
void kill_all_descendants(int children_fd) {
  for (;;) {
    if (children_fd >= 0) {
      kill_children(children_fd);
    } else if (sys_kill(-1, SIGKILL) != 0 && errno != ESRCH) {
      die_errno("kill", "-1");
    }
    int status;
    const int pid = sys_wait4(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) return;
      die_errno("waitpid", "descendants");
    }
  }
}

// The wait status word: the low 7 bits are the killing signal (0: it exited, 0x7f: it stopped),
// the next byte the exit status.
int status_of(int wait_status) {
  const int signal = wait_status & 0x7f;
  if (signal == 0) return (wait_status >> 8) & 0xff;
  if (signal != 0x7f) return kExitSignalBase + signal;
  return kExitSetup;
}

void open_children_file(ReaperState* state) {
  // "/proc/self/task/<tid>/children"; the tid of the only thread is the pid. The Line builder
  // without its prefix is a bounded text buffer.
  Line path;
  path.len = 0;
  line_add(&path, "/proc/self/task/");
  line_add_u64(&path, static_cast<uint64_t>(sys_getpid()));
  line_add(&path, "/children");
  path.text[path.len] = '\0';
  for (;;) {
    state->children_fd = sys_openat(AT_FDCWD, path.text, O_RDONLY | O_CLOEXEC);
    if (state->children_fd >= 0) return;
    if (errno != EINTR) die_errno("open", path.text);
  }
}

}  // namespace

void prepare_reaper(ReaperState* state) {
  state->parent_pid = sys_getppid();
  // Before the command exists; the fork inherits it and the command's exec resets it.
  if (sys_prctl(PR_SET_DUMPABLE, 0) != 0) die_errno("prctl", "PR_SET_DUMPABLE");

  if (sys_getpid() == 1) {
    state->children_fd = -1;
  } else {
    open_children_file(state);
  }
  // SIGCHLD ignored (inherited) would auto-reap and hide the command's status.
  SysSigaction dfl = {};
  dfl.handler = SIG_DFL;
  if (sys_rt_sigaction(SIGCHLD, &dfl, nullptr) != 0) die_errno("sigaction", "SIGCHLD");

  g_waited = sys_sigbit(SIGCHLD) | sys_sigbit(kEndSandbox);
  for (int sig : kForwarded) g_waited |= sys_sigbit(sig);
  // Blocked before PR_SET_PDEATHSIG and fork so no signal is lost between here and sigwaitinfo.
  if (sys_rt_sigprocmask(SIG_BLOCK, &g_waited, &g_original) != 0) die_errno("sigprocmask", "");

  if (sys_prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) die_errno("prctl", "PR_SET_CHILD_SUBREAPER");
  if (sys_prctl(PR_SET_PDEATHSIG, kEndSandbox) != 0) die_errno("prctl", "PR_SET_PDEATHSIG");
  // The parent may have died before PR_SET_PDEATHSIG took effect; then no signal will come.
  // As PID 1 the parent (bwrap's monitor) is outside the namespace and getppid() stays 0, but
  // bwrap --die-with-parent set PR_SET_PDEATHSIG=SIGKILL on this process until the line above
  // replaced it, so a death before that point has already killed the namespace.
  if (sys_getppid() != state->parent_pid) die("parent exited before the sandbox started");
}

void run_reaper(const ReaperState* state, const HelperConfig* config) {
  const int reaper_pid = sys_getpid();
  const int command_pid = sys_fork();
  if (command_pid < 0) die_errno("fork", "");
  if (command_pid == 0) {
    // The command: async-signal-safe calls only until exec. The children fd is O_CLOEXEC.
    if (sys_prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) die_errno("prctl", "PR_SET_PDEATHSIG");
    // The reaper may have been SIGKILLed before PR_SET_PDEATHSIG took effect.
    if (sys_getppid() != reaper_pid) sys_exit_group(kExitSignalBase + SIGKILL);
    // A domain nested in the reaper's: Landlock scoping lets the reaper (outer domain) signal
    // the command, and denies the command signalling (or ptracing) the reaper.
    if (state->command_ruleset_fd >= 0 && sys_landlock_restrict_self(state->command_ruleset_fd, 0) != 0) {
      die_errno("landlock_restrict_self", "--command-landlock-scope");
    }
    if (sys_rt_sigprocmask(SIG_SETMASK, &g_original, nullptr) != 0) die_errno("sigprocmask", "");
    exec_command(config);
  }

  for (;;) {
    SysSiginfo info;
    const int sig = sys_rt_sigtimedwait(&g_waited, &info);
    if (sig < 0) {
      if (errno == EINTR) continue;
      die_errno("sigwaitinfo", "");
    }
    if (sig == kEndSandbox) {
      kill_all_descendants(state->children_fd);
      sys_exit_group(kExitSignalBase + SIGKILL);
    }
    if (sig != SIGCHLD) {
      // A terminal's ^C, ^\ or hangup (SI_KERNEL) goes to the whole foreground process group,
      // which includes the command: forwarding it again would deliver it twice.
      // ESRCH from kill: the command is gone and SIGCHLD is already pending.
      if (info.si_code != SI_KERNEL) sys_kill(command_pid, sig);
      continue;
    }
    for (;;) {
      int status;
      const int pid = sys_wait4(-1, &status, WNOHANG);
      if (pid < 0 && errno == EINTR) continue;
      if (pid < 0 && errno != ECHILD) die_errno("waitpid", "");
      if (pid <= 0) break;
      if (pid == command_pid) {
        kill_all_descendants(state->children_fd);
        sys_exit_group(status_of(status));
      }
    }
  }
}
