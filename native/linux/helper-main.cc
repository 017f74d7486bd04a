// codex-sandbox-helper: applies no_new_privs, Landlock and seccomp to itself, then becomes the
// command (or stays behind as its reaper). The order is that of samples/landlock/sandboxer.c:
//   1. parse all of argv into one HelperConfig and validate it;
//   2. acquire everything: with --namespaces first the namespaces and the sandbox's root
//      (helper-namespaces.cc, helper-mounts.cc), so every later path is the sandbox's; the
//      reaper's set-up and, for --proxy-route, the loopback relay (helper-relay.cc); for root
//      the read-only /proc/sys mounts (while it still has its capabilities), rule fds, the ruleset, the BPF program, the reaper's /proc fd
//      and the command's scope-only ruleset, and mark every inherited descriptor above stderr close-on-exec;
//   3. point of no return: PR_SET_NO_NEW_PRIVS -> drop capabilities -> landlock_restrict_self ->
//      seccomp -> exec.
// Nothing is allocated after step 2, and every error is one stderr line with exit 125.
// With --namespaces, or inside bubblewrap as the inner stage (bwrap --as-pid-1), it is PID 1 of the
// sandbox's PID namespace and runs with --reaper; argv[0] is never used.
#include <linux/prctl.h>

#include "../common/native-abi.h"
#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

// Read by lib/native.ts from the file (never by the helper itself): "used" keeps it in.
__attribute__((used)) static const char native_abi_marker[] = CODEX_SANDBOX_NATIVE_ABI_MARKER;

// Called by helper_start (helper-start.cc), which exits with the result; main itself never
// returns, it execs or exits.
int main(int argc, char** argv, char** envp) {
  HelperConfig config;
  parse_args(argc, argv, envp, &config);
  if (config.probe == ProbeMode::kNamespaces) run_probe_namespaces();
  if (config.print_seccomp_filter) print_seccomp_program(&config);
  if (config.namespaces) {
    enter_namespaces(&config);
    build_root(&config);
  }
  if (config.proc_sys_readonly) protect_proc_sys();

  ReaperState reaper = {};
  if (config.reaper) prepare_reaper(&reaper);
  // After prepare_reaper (the relay is the reaper's non-dumpable child) and before any
  // restriction the relay must not share (helper-relay.cc).
  if (config.route_count > 0) start_proxy_relay(&config);
  const int ruleset_fd = prepare_landlock(&config);
  SeccompProgram program;
  build_seccomp_program(config.network, config.deny_ipc, &program);
  if (config.reaper) reaper.command_ruleset_fd = prepare_command_scope(&config);
  mark_inherited_fds_cloexec();
  apply_env_assignments(&config);

  // landlock_restrict_self and an unprivileged seccomp filter both require no_new_privs; it
  // also stops the command from gaining privileges through setuid files.
  if (sys_prctl(PR_SET_NO_NEW_PRIVS, 1) != 0) die_errno("prctl", "PR_SET_NO_NEW_PRIVS");
  drop_capabilities();
  apply_landlock(ruleset_fd);
  // seccomp last: the filter could otherwise deny a syscall the steps above still need.
  apply_seccomp(&program);

  if (config.reaper) run_reaper(&reaper, &config);
  exec_command(&config);
}
