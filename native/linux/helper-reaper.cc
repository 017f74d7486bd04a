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
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper-config.h"
#include "helper-die.h"

namespace {

const int kForwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};
// Parent death, or a caller's request to stop the sandbox: both end it the same way.
const int kEndSandbox = SIGUSR1;

sigset_t g_waited;   // forwarded signals, SIGCHLD and kEndSandbox, blocked
sigset_t g_original; // the mask to restore in the command

// Reads the current direct children from /proc/self/task/<tid>/children (opened before any
// restriction, so Landlock cannot take it away) and SIGKILLs each. Returns how many it found.
size_t kill_children(int children_fd) {
  char buf[4096];
  size_t found = 0;
  long pid = 0;
  bool in_number = false;
  if (lseek(children_fd, 0, SEEK_SET) != 0) die_errno("lseek", "/proc/self/task/*/children");
  for (;;) {
    ssize_t n = read(children_fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      die_errno("read", "/proc/self/task/*/children");
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
        in_number = true;
      } else if (in_number) {
        // ESRCH: it exited meanwhile; a zombie is reaped by the caller's wait.
        kill(static_cast<pid_t>(pid), SIGKILL);
        ++found;
        pid = 0;
        in_number = false;
      }
    }
  }
  if (in_number) {
    kill(static_cast<pid_t>(pid), SIGKILL);
    ++found;
  }
  return found;
}

// Kills and reaps every descendant. A killed process's own children are reparented to this
// subreaper, so the loop repeats until no child at all remains.
void kill_all_descendants(int children_fd) {
  for (;;) {
    kill_children(children_fd);
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) return;
      die_errno("waitpid", "descendants");
    }
  }
}

int status_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return kExitSignalBase + WTERMSIG(wait_status);
  return kExitSetup;
}

}  // namespace

void prepare_reaper(ReaperState* state) {
  state->parent_pid = static_cast<int>(getppid());

  char path[64];
  snprintf(path, sizeof(path), "/proc/self/task/%d/children", static_cast<int>(getpid()));
  for (;;) {
    state->children_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (state->children_fd >= 0) break;
    if (errno != EINTR) die_errno("open", path);
  }

  // SIGCHLD ignored (inherited) would auto-reap and hide the command's status.
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  if (sigemptyset(&dfl.sa_mask) != 0 || sigaction(SIGCHLD, &dfl, nullptr) != 0) die_errno("sigaction", "SIGCHLD");

  if (sigemptyset(&g_waited) != 0 || sigaddset(&g_waited, SIGCHLD) != 0 ||
      sigaddset(&g_waited, kEndSandbox) != 0) {
    die_errno("sigaddset", "");
  }
  for (int sig : kForwarded) {
    if (sigaddset(&g_waited, sig) != 0) die_errno("sigaddset", "");
  }
  // Blocked before PR_SET_PDEATHSIG and fork so no signal is lost between here and sigwaitinfo.
  if (sigprocmask(SIG_BLOCK, &g_waited, &g_original) != 0) die_errno("sigprocmask", "");

  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) die_errno("prctl", "PR_SET_CHILD_SUBREAPER");
  if (prctl(PR_SET_PDEATHSIG, kEndSandbox, 0, 0, 0) != 0) die_errno("prctl", "PR_SET_PDEATHSIG");
  // The parent may have died before PR_SET_PDEATHSIG took effect; then no signal will come.
  if (static_cast<int>(getppid()) != state->parent_pid) die("parent exited before the sandbox started");
}

void run_reaper(const ReaperState* state, char* const* command) {
  const pid_t reaper_pid = getpid();
  const pid_t command_pid = fork();
  if (command_pid < 0) die_errno("fork", "");
  if (command_pid == 0) {
    // The command: async-signal-safe calls only until exec. The children fd is O_CLOEXEC.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) die_errno("prctl", "PR_SET_PDEATHSIG");
    // The reaper may have been SIGKILLed before PR_SET_PDEATHSIG took effect.
    if (getppid() != reaper_pid) _exit(kExitSignalBase + SIGKILL);
    if (sigprocmask(SIG_SETMASK, &g_original, nullptr) != 0) die_errno("sigprocmask", "");
    exec_command(command);
  }

  for (;;) {
    siginfo_t info;
    const int sig = sigwaitinfo(&g_waited, &info);
    if (sig < 0) {
      if (errno == EINTR) continue;
      die_errno("sigwaitinfo", "");
    }
    if (sig == kEndSandbox) {
      kill_all_descendants(state->children_fd);
      _exit(kExitSignalBase + SIGKILL);
    }
    if (sig != SIGCHLD) {
      // A terminal's ^C, ^\ or hangup (SI_KERNEL) goes to the whole foreground process group,
      // which includes the command: forwarding it again would deliver it twice.
      // ESRCH from kill: the command is gone and SIGCHLD is already pending.
      if (info.si_code != SI_KERNEL) kill(command_pid, sig);
      continue;
    }
    for (;;) {
      int status;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid < 0 && errno == EINTR) continue;
      if (pid < 0 && errno != ECHILD) die_errno("waitpid", "");
      if (pid <= 0) break;
      if (pid == command_pid) {
        kill_all_descendants(state->children_fd);
        _exit(status_of(status));
      }
    }
  }
}
