// The parsed command line of codex-sandbox-helper and the steps main() runs on it, one .cc file
// per step (helper-args, helper-landlock, helper-seccomp, helper-reaper, helper-exec).
#ifndef CODEX_SANDBOX_HELPER_CONFIG_H
#define CODEX_SANDBOX_HELPER_CONFIG_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

enum class NetworkMode { kUnset, kRestricted, kEnabled, kProxied };
enum class ProbeMode { kNone, kNamespaces };

// One setup operation of --namespaces, in argv order. The host path and the sandbox path are the
// same: the planner shows every host path at its own place.
enum class MountKind { kBind, kRoBind, kRoBindTry, kDev, kTmpfs, kDir, kFile, kRemountRo, kRoBindData, kProc };
struct MountStep {
  MountKind kind;
  const char* path;
  int perms;  // --perms before the op, or -1 for the op's default mode
  // Binds: the host path with every symlink resolved while the host's root is still the root
  // (build_root), as bubblewrap resolves its bind sources; nullptr for a missing --ro-bind-try.
  const char* source;
};

// --proxy-route PORT=PATH: the relay listens on loopback PORT and forwards every connection to
// the unix socket PATH, the host proxy's socket bound into the sandbox.
struct ProxyRoute {
  uint16_t port;
  const char* socket_path;
};
constexpr size_t kMaxProxyRoutes = 8;

struct LandlockRule {
  uint64_t allowed_access;
  const char* path;
  int fd;  // O_PATH, opened in step 2; -1 before.
};

struct HelperConfig {
  ProbeMode probe;
  NetworkMode network;
  bool reaper;
  bool deny_ipc;  // --deny-ipc: no SysV IPC or POSIX message queues (no IPC namespace)
  // --print-seccomp-filter: write the BPF program these options would install to stdout and run
  // nothing, so tests can evaluate the very program on any kernel (test/helpers/seccomp-bpf.ts).
  bool print_seccomp_filter;

  bool landlock;  // any --landlock-* option given
  uint32_t landlock_abi;
  bool has_fs_handled;
  uint64_t fs_handled;
  bool has_scope;
  uint64_t scope;
  // --command-landlock-scope: LANDLOCK_SCOPE_* bits of a nested domain that only the command's
  // side of the --reaper fork enters, so the command cannot signal the reaper (issue #20).
  bool has_command_scope;
  uint64_t command_scope;
  bool proc_sys_readonly;  // --proc-sys-readonly
  // --namespaces: the helper makes the sandbox's namespaces and root itself (helper-namespaces.cc,
  // helper-mounts.cc) from the mount steps, where bubblewrap would.
  bool namespaces;
  // --exit-on-signal (with --namespaces): the monitor exits 128+N on SIGHUP, SIGINT, SIGQUIT or
  // SIGTERM instead of dying of it (helper-namespaces.cc).
  bool exit_on_signal;
  MountStep* mounts;  // allocated once by parse_args, sized by argc
  size_t mount_count;
  const char* chdir;  // --chdir, or nullptr: then the caller's cwd if visible, else $HOME, else /

  LandlockRule* rules;  // allocated once by parse_args, sized by argc
  size_t rule_count;

  ProxyRoute routes[kMaxProxyRoutes];
  size_t route_count;

  char** env_assignments;  // NAME=VALUE strings from --setenv, pointing into argv; sized by argc
  size_t env_count;

  char* const* command;  // NULL-terminated, non-empty unless probing
  char** caller_env;     // the helper's own environment, as the kernel passed it
  // The command's environment: caller_env with the --setenv assignments applied (step 2). Sized
  // by parse_args for every caller variable plus one per argument.
  char** command_env;
  // Room for "/bin/sh FILE ARGS... NULL": execvp runs a file without a #! line through the
  // shell (ENOEXEC) after the point of no return, where nothing may be allocated.
  char** script_argv;
};

// Step 1: parse and validate; any problem is one stderr line and exit 125. The only allocation
// of the helper happens here, sized by argc and the environment.
void parse_args(int argc, char** argv, char** envp, HelperConfig* config);

// Probe modes run instead of a command and exit themselves.
[[noreturn]] void run_probe_namespaces();

// Step 2, first of all for --namespaces: unshare the namespaces and map the caller's uid and
// gid. The calling process stays outside the new PID namespace as the monitor, relaying the
// sandbox's exit status, and never returns; the function returns in the forked child, PID 1 of
// the new namespace, in a new session.
void enter_namespaces(const HelperConfig* config);
// Step 2, in that child: every mount step under a new root, pivot_root into it, chdir. Adds the
// PWD assignment to the command's environment, as bubblewrap sets PWD.
void build_root(HelperConfig* config);

// Step 2: open every rule path, check the kernel ABI, build the ruleset. Returns the ruleset fd
// (or -1 when no Landlock option was given).
int prepare_landlock(HelperConfig* config);
// Step 3: restrict this thread to the ruleset (no_new_privs must already be set).
void apply_landlock(int ruleset_fd);
// Step 2: the scope-only ruleset of --command-landlock-scope (-1 when it was not given); the
// forked command applies it before exec.
int prepare_command_scope(const HelperConfig* config);

constexpr size_t kMaxSeccompInstructions = 96;
struct SeccompProgram {
  sock_filter code[kMaxSeccompInstructions];
  unsigned short len;
};
// Step 2: build the BPF program for the network mode (and --deny-ipc).
void build_seccomp_program(NetworkMode mode, bool deny_ipc, SeccompProgram* program);
// Step 3, last restriction before exec.
void apply_seccomp(const SeccompProgram* program);
// --print-seccomp-filter, right after step 1: build the program as step 2 does and write it to
// stdout as the raw struct sock_filter array, then exit 0.
[[noreturn]] void print_seccomp_program(const HelperConfig* config);

// Step 2: become a subreaper, watch the parent, block the forwarded signals.
struct ReaperState {
  int children_fd;  // -1 when the reaper is PID 1 of its namespace
  int parent_pid;
  int command_ruleset_fd;  // from prepare_command_scope, or -1
};
void prepare_reaper(ReaperState* state);
// Step 3: fork the command and stay behind until it and every descendant is gone.
[[noreturn]] void run_reaper(const ReaperState* state, const HelperConfig* config);

// Step 2, first (it needs the capabilities root still has): --proc-sys-readonly.
void protect_proc_sys();

// Step 2, inside the sandbox's network namespace and after prepare_reaper: bring lo up, bind
// every route's loopback listeners, and fork the relay that serves them. The listeners exist
// before the command does, so its first connection cannot race the relay.
void start_proxy_relay(const HelperConfig* config);

// Step 2: build the command's environment (command_env) from the helper's and --setenv.
void apply_env_assignments(HelperConfig* config);

// Step 3, right after no_new_privs: empty every capability set (a helper run by root).
void drop_capabilities();

// Step 2: descriptors above stderr are not passed to the command (FD_CLOEXEC on all of them).
void mark_inherited_fds_cloexec();
// Replaces the process with the command, searching PATH as execvp does; on failure exits
// 126/127/125 with one line.
[[noreturn]] void exec_command(const HelperConfig* config);

#endif
