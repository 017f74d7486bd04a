// Step 1 of the helper: argv -> HelperConfig. Long options only, each with zero or one value, and
// `--` before the command (docs/native.md#the-helper). The helper never reads the environment for
// configuration. Every failure names the offending flag or value in one line and exits 125.
#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"
#include "landlock-compat.h"

namespace {

Line g_line;

[[noreturn]] void usage_error(const char* before, const char* value, const char* after) {
  line_start(&g_line);
  line_add(&g_line, before);
  if (value != nullptr) line_add_value(&g_line, value);
  line_add(&g_line, after);
  die_line(&g_line, kExitSetup);
}

// Accepts "0x" followed by hex digits, or decimal digits. No sign, no spaces, no overflow.
bool parse_u64(const char* text, size_t len, uint64_t* out) {
  uint64_t value = 0;
  size_t i = 0;
  unsigned base = 10;
  if (len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    i = 2;
  }
  if (i >= len) return false;
  for (; i < len; ++i) {
    char c = text[i];
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return false;
    }
    if (value > (UINT64_MAX - digit) / base) return false;
    value = value * base + digit;
  }
  *out = value;
  return true;
}

uint64_t parse_mask(const char* flag, const char* text, size_t len) {
  uint64_t value;
  if (!parse_u64(text, len, &value)) {
    line_start(&g_line);
    line_add(&g_line, "invalid mask ");
    line_add_value(&g_line, text, len);
    line_add(&g_line, " for ");
    line_add(&g_line, flag);
    line_add(&g_line, ": expected 0x-prefixed hex or decimal");
    die_line(&g_line, kExitSetup);
  }
  return value;
}

// Parsing state beyond the config: which once-only options were seen, and a pending --perms.
struct ParseState {
  uint32_t seen;  // bit i: kOptions[i] was given (options that may appear once)
  int pending_perms;
  bool saw_other_option;
};

// "0" to "7777", octal digits only, as bubblewrap's --perms.
int parse_perms(const char* value) {
  int mode = 0;
  size_t len = 0;
  for (const char* c = value; *c != '\0'; ++c, ++len) {
    if (*c < '0' || *c > '7' || len >= 4) usage_error("invalid --perms ", value, ": expected 1 to 4 octal digits");
    mode = mode * 8 + (*c - '0');
  }
  if (len == 0) usage_error("invalid --perms ", value, ": expected 1 to 4 octal digits");
  return mode;
}

void parse_rule(const char* value, LandlockRule* rule) {
  const char* colon = strchr(value, ':');
  if (colon == nullptr) usage_error("invalid --landlock-rule ", value, ": expected MASK:PATH");
  rule->allowed_access = parse_mask("--landlock-rule", value, static_cast<size_t>(colon - value));
  rule->path = colon + 1;
  rule->fd = -1;
  if (rule->path[0] != '/') {
    usage_error("invalid --landlock-rule ", value, ": PATH must be absolute");
  }
}

// NAME=VALUE with a non-empty NAME made of letters, digits and '_', not starting with a digit:
// the names a shell can export, so the command sees exactly the variable the planner meant.
void check_assignment(const char* value) {
  const char* eq = strchr(value, '=');
  bool ok = eq != nullptr && eq != value && !(value[0] >= '0' && value[0] <= '9');
  for (const char* c = value; ok && c < eq; ++c) {
    ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
  }
  if (!ok) usage_error("invalid --setenv ", value, ": expected NAME=VALUE with NAME of letters, digits and _");
}

[[noreturn]] void mask_error(const char* what, uint64_t mask, const char* detail) {
  line_start(&g_line);
  line_add(&g_line, what);
  line_add(&g_line, " ");
  line_add_hex(&g_line, mask);
  line_add(&g_line, detail);
  die_line(&g_line, kExitSetup);
}

// Combinations that parse but cannot be meant (bubblewrap's post-parse checks).
void validate(const HelperConfig* c, bool saw_separator, bool saw_other_option) {
  if (c->probe != ProbeMode::kNone) {
    if (saw_other_option || saw_separator) {
      die("--probe takes no other options and no command: run it alone");
    }
    return;
  }
  if (c->print_seccomp_filter) {
    if (saw_separator) die("--print-seccomp-filter runs no command: drop '--' and what follows");
  } else {
    if (!saw_separator) die("missing '--' before the command: usage: codex-sandbox-helper [options] -- COMMAND [ARGS...]");
    if (c->command[0] == nullptr) die("no command after '--': give the command to run");
  }
  if (c->network == NetworkMode::kUnset) die("missing --network restricted|enabled|proxied: the seccomp mode is required");
  if ((c->network == NetworkMode::kProxied) != (c->route_count > 0)) {
    die("--network proxied and --proxy-route go together: proxied mode allows inet sockets only because every route leads to the proxy");
  }
  // The relay must end with the sandbox: only the reaper kills every descendant.
  if (c->route_count > 0 && !c->reaper) die("--proxy-route needs --reaper: the relay is the reaper's child and ends with the sandbox");
  if (!c->namespaces && (c->mount_count > 0 || c->chdir != nullptr)) {
    die("mount steps and --chdir need --namespaces: only the helper's own namespaces have a root to build");
  }
  if (c->exit_on_signal && !c->namespaces)
    die("--exit-on-signal needs --namespaces: only the namespaces' monitor stays outside the sandbox");
  if (c->namespaces) {
    if (!c->reaper) die("--namespaces needs --reaper: the helper is PID 1 of the sandbox and must reap");
    if (c->mount_count == 0 || c->mounts[0].path[1] != '\0' || c->mounts[0].kind == MountKind::kRoBindTry ||
        (c->mounts[0].kind != MountKind::kTmpfs && c->mounts[0].kind != MountKind::kBind && c->mounts[0].kind != MountKind::kRoBind)) {
      die("--namespaces needs a root first: --tmpfs /, --ro-bind / or --bind /");
    }
  }
  if (c->has_command_scope) {
    if (!c->reaper) die("--command-landlock-scope needs --reaper: only the reaper's forked command enters that domain");
    if (c->command_scope == 0) die("--command-landlock-scope 0 scopes nothing: omit it");
    if ((c->command_scope & ~kLandlockKnownScopes) != 0) {
      mask_error("--command-landlock-scope", c->command_scope, " has unknown bits (known: 0x3)");
    }
    if (c->landlock && c->landlock_abi != 0 && c->landlock_abi < kLandlockFirstScopeAbi) {
      die("--command-landlock-scope needs --landlock-abi 6 or higher (scopes arrived in ABI 6)");
    }
  }
  if (!c->landlock) return;
  if (c->landlock_abi == 0) {
    die("--landlock-fs-handled, --landlock-rule and --landlock-scope need --landlock-abi N");
  }
  if (!c->has_fs_handled && !c->has_scope) {
    die("--landlock-abi needs --landlock-fs-handled or --landlock-scope: a ruleset must handle something");
  }
  if (c->has_fs_handled && c->fs_handled == 0) die("--landlock-fs-handled 0 handles nothing: omit it or give rights");
  if (c->rule_count > 0 && !c->has_fs_handled) die("--landlock-rule needs --landlock-fs-handled");
  for (size_t i = 0; i < c->rule_count; ++i) {
    const LandlockRule* rule = &c->rules[i];
    if (rule->allowed_access == 0) {
      usage_error("--landlock-rule for ", rule->path, " grants nothing (mask 0): drop the rule");
    }
    uint64_t extra = rule->allowed_access & ~c->fs_handled;
    if (extra != 0) {
      line_start(&g_line);
      line_add(&g_line, "--landlock-rule for ");
      line_add_value(&g_line, rule->path);
      line_add(&g_line, " allows ");
      line_add_hex(&g_line, extra);
      line_add(&g_line, " outside --landlock-fs-handled ");
      line_add_hex(&g_line, c->fs_handled);
      line_add(&g_line, ": a rule may only allow handled rights");
      die_line(&g_line, kExitSetup);
    }
  }
  if (c->has_scope) {
    if (c->scope == 0) die("--landlock-scope 0 scopes nothing: omit it");
    if ((c->scope & ~kLandlockKnownScopes) != 0) mask_error("--landlock-scope", c->scope, " has unknown bits (known: 0x3)");
    if (c->landlock_abi < 6) die("--landlock-scope needs --landlock-abi 6 or higher (scopes arrived in ABI 6)");
  }
}

using OptionHandler = void (*)(HelperConfig* c, ParseState* state, char* value);

struct Option {
  const char* name;
  bool takes_value;
  bool once;
  OptionHandler handle;
};

void add_mount(HelperConfig* c, ParseState* state, MountKind kind, const char* path) {
  if (path[0] != '/') usage_error("invalid mount path ", path, ": must be absolute");
  c->mounts[c->mount_count++] = MountStep{kind, path, state->pending_perms, nullptr};
  state->pending_perms = -1;
}

// Steps that create what they name take --perms; the others may not be given one.
template <MountKind kind>
void on_mount(HelperConfig* c, ParseState* state, char* value) {
  constexpr bool takes_perms =
      kind == MountKind::kTmpfs || kind == MountKind::kDir || kind == MountKind::kFile || kind == MountKind::kRoBindData;
  if (!takes_perms && state->pending_perms >= 0) usage_error("--perms does not apply to the mount step for ", value, "");
  add_mount(c, state, kind, value);
}

void on_perms(HelperConfig*, ParseState* state, char* value) {
  if (state->pending_perms >= 0) die("--perms given twice before one mount step");
  state->pending_perms = parse_perms(value);
}

void on_chdir(HelperConfig* c, ParseState*, char* value) {
  if (value[0] != '/') usage_error("invalid --chdir ", value, ": must be absolute");
  c->chdir = value;
}

void on_namespaces(HelperConfig* c, ParseState*, char*) { c->namespaces = true; }
void on_exit_on_signal(HelperConfig* c, ParseState*, char*) { c->exit_on_signal = true; }
void on_reaper(HelperConfig* c, ParseState*, char*) { c->reaper = true; }
void on_deny_ipc(HelperConfig* c, ParseState*, char*) { c->deny_ipc = true; }
void on_proc_sys_readonly(HelperConfig* c, ParseState*, char*) { c->proc_sys_readonly = true; }
void on_print_seccomp_filter(HelperConfig* c, ParseState*, char*) { c->print_seccomp_filter = true; }

void on_probe(HelperConfig* c, ParseState*, char* value) {
  if (strcmp(value, "namespaces") != 0) usage_error("unknown --probe mode ", value, ": expected namespaces");
  c->probe = ProbeMode::kNamespaces;
}

void on_network(HelperConfig* c, ParseState*, char* value) {
  if (strcmp(value, "restricted") == 0) {
    c->network = NetworkMode::kRestricted;
  } else if (strcmp(value, "enabled") == 0) {
    c->network = NetworkMode::kEnabled;
  } else if (strcmp(value, "proxied") == 0) {
    c->network = NetworkMode::kProxied;
  } else {
    usage_error("invalid --network ", value, ": expected restricted, enabled or proxied");
  }
}

// PORT=PATH: a decimal port from 1 to 65535 and an absolute socket path that fits sun_path.
void on_proxy_route(HelperConfig* c, ParseState*, char* value) {
  const char* eq = strchr(value, '=');
  uint64_t port;
  if (eq == nullptr || value[0] == '0' || !parse_u64(value, static_cast<size_t>(eq - value), &port) || port == 0 || port > 65535) {
    usage_error("invalid --proxy-route ", value, ": expected PORT=PATH with PORT from 1 to 65535");
  }
  if (eq[1] != '/') usage_error("invalid --proxy-route ", value, ": PATH must be absolute");
  // sun_path holds 108 bytes with the terminating NUL.
  if (strlen(eq + 1) >= 108) usage_error("invalid --proxy-route ", value, ": PATH is longer than a unix socket address allows (107 bytes)");
  if (c->route_count >= kMaxProxyRoutes) die("too many --proxy-route options (at most 8)");
  for (size_t i = 0; i < c->route_count; ++i) {
    if (c->routes[i].port == port) usage_error("duplicate --proxy-route port in ", value, ": give each port once");
  }
  c->routes[c->route_count++] = ProxyRoute{static_cast<uint16_t>(port), eq + 1};
}

void on_setenv(HelperConfig* c, ParseState*, char* value) {
  check_assignment(value);
  c->env_assignments[c->env_count++] = value;
}

void on_command_scope(HelperConfig* c, ParseState*, char* value) {
  c->has_command_scope = true;
  c->command_scope = parse_mask("--command-landlock-scope", value, strlen(value));
}

void on_landlock_abi(HelperConfig* c, ParseState*, char* value) {
  uint64_t abi;
  // Decimal only: an ABI is a version number, not a mask.
  if (value[0] == '0' || !parse_u64(value, strlen(value), &abi) || abi > 0xffff) {
    usage_error("invalid --landlock-abi ", value, ": expected a decimal number from 1");
  }
  c->landlock = true;
  c->landlock_abi = static_cast<uint32_t>(abi);
}

void on_fs_handled(HelperConfig* c, ParseState*, char* value) {
  c->landlock = true;
  c->has_fs_handled = true;
  c->fs_handled = parse_mask("--landlock-fs-handled", value, strlen(value));
}

void on_landlock_scope(HelperConfig* c, ParseState*, char* value) {
  c->landlock = true;
  c->has_scope = true;
  c->scope = parse_mask("--landlock-scope", value, strlen(value));
}

void on_landlock_rule(HelperConfig* c, ParseState*, char* value) {
  c->landlock = true;
  parse_rule(value, &c->rules[c->rule_count++]);
}

// Every option of the helper, parsed from this table alone (docs/native.md lists them).
const Option kOptions[] = {
    {"--probe", true, true, on_probe},
    {"--network", true, true, on_network},
    {"--reaper", false, true, on_reaper},
    {"--deny-ipc", false, true, on_deny_ipc},
    {"--proc-sys-readonly", false, true, on_proc_sys_readonly},
    {"--print-seccomp-filter", false, true, on_print_seccomp_filter},
    {"--setenv", true, false, on_setenv},
    {"--proxy-route", true, false, on_proxy_route},
    {"--command-landlock-scope", true, true, on_command_scope},
    {"--landlock-abi", true, true, on_landlock_abi},
    {"--landlock-fs-handled", true, true, on_fs_handled},
    {"--landlock-scope", true, true, on_landlock_scope},
    {"--landlock-rule", true, false, on_landlock_rule},
    {"--namespaces", false, true, on_namespaces},
    {"--exit-on-signal", false, true, on_exit_on_signal},
    {"--chdir", true, true, on_chdir},
    {"--perms", true, false, on_perms},
    {"--bind", true, false, on_mount<MountKind::kBind>},
    {"--ro-bind", true, false, on_mount<MountKind::kRoBind>},
    {"--ro-bind-try", true, false, on_mount<MountKind::kRoBindTry>},
    {"--dev", true, false, on_mount<MountKind::kDev>},
    {"--tmpfs", true, false, on_mount<MountKind::kTmpfs>},
    {"--dir", true, false, on_mount<MountKind::kDir>},
    {"--file", true, false, on_mount<MountKind::kFile>},
    {"--remount-ro", true, false, on_mount<MountKind::kRemountRo>},
    {"--ro-bind-data", true, false, on_mount<MountKind::kRoBindData>},
    {"--proc", true, false, on_mount<MountKind::kProc>},
};
constexpr size_t kOptionCount = sizeof(kOptions) / sizeof(kOptions[0]);
static_assert(kOptionCount <= 32, "ParseState::seen has one bit per option");

const Option* find_option(const char* arg, size_t* index) {
  for (size_t i = 0; i < kOptionCount; ++i) {
    if (strcmp(arg, kOptions[i].name) == 0) {
      *index = i;
      return &kOptions[i];
    }
  }
  return nullptr;
}

}  // namespace

void parse_args(int argc, char** argv, char** envp, HelperConfig* c) {
  memset(c, 0, sizeof(*c));
  c->probe = ProbeMode::kNone;
  c->network = NetworkMode::kUnset;
  static char* empty_command[] = {nullptr};
  c->command = empty_command;
  c->caller_env = envp;

  // One mapping for every array the later steps fill, each sized by the most that could go into
  // it, so nothing needs to grow. A rule is 24 bytes and a mount step 16, so the pointer arrays
  // after them stay 8-byte aligned.
  const size_t args = argc > 0 ? static_cast<size_t>(argc) : 1;
  size_t env_vars = 0;
  while (envp[env_vars] != nullptr) ++env_vars;
  const size_t env_slots = env_vars + args + 2;  // every variable, every --setenv, PWD, NULL
  const size_t script_slots = args + 2;          // sh, FILE, ARGS..., NULL
  const size_t pointers = (args + 1) + env_slots + script_slots;
  const size_t fixed = args * sizeof(LandlockRule) + args * sizeof(MountStep);
  char* block = static_cast<char*>(sys_alloc_zeroed(fixed + pointers * sizeof(char*), 1));
  if (block == nullptr) die_errno("mmap", "arguments");
  c->rules = reinterpret_cast<LandlockRule*>(block);
  c->mounts = reinterpret_cast<MountStep*>(block + args * sizeof(LandlockRule));
  c->env_assignments = reinterpret_cast<char**>(block + fixed);
  c->command_env = c->env_assignments + args + 1;
  c->script_argv = c->command_env + env_slots;

  ParseState state = {0, -1, false};
  bool saw_separator = false;
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      saw_separator = true;
      c->command = argv + i + 1;
      break;
    }
    size_t index;
    const Option* option = find_option(arg, &index);
    if (option == nullptr) {
      if (arg[0] == '-') usage_error("unknown option ", arg, ": see docs/native.md for the flags");
      usage_error("unexpected argument ", arg, " before '--': options come first, then -- COMMAND");
    }
    if (option->once) {
      if ((state.seen & (1u << index)) != 0) usage_error("duplicate option ", arg, ": give it once");
      state.seen |= 1u << index;
    }
    char* value = nullptr;
    if (option->takes_value) {
      if (i + 1 >= argc || strcmp(argv[i + 1], "--") == 0) usage_error("missing value for ", arg, "");
      value = argv[++i];
    }
    if (option->handle != on_probe) state.saw_other_option = true;
    option->handle(c, &state, value);
  }
  if (state.pending_perms >= 0) die("--perms must be followed by the mount step it applies to");
  validate(c, saw_separator, state.saw_other_option);
}
