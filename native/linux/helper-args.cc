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

void mark_once(bool* seen, const char* flag) {
  if (*seen) usage_error("duplicate option ", flag, ": give it once");
  *seen = true;
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
  if (!saw_separator) die("missing '--' before the command: usage: codex-sandbox-helper [options] -- COMMAND [ARGS...]");
  if (c->command[0] == nullptr) die("no command after '--': give the command to run");
  if (c->network == NetworkMode::kUnset) die("missing --network restricted|enabled: the seccomp mode is required");
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
    die("--landlock-fs-handled, --landlock-rule, --landlock-scope and --landlock-restrict-flags need --landlock-abi N");
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
  if (c->has_restrict_flags) {
    if ((c->restrict_flags & ~kLandlockKnownRestrictFlags) != 0) {
      mask_error("--landlock-restrict-flags", c->restrict_flags, " has unknown bits (known: 0x7)");
    }
    if (c->landlock_abi < 7) die("--landlock-restrict-flags needs --landlock-abi 7 or higher (logging flags arrived in ABI 7)");
  }
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
  // it, so nothing needs to grow. A rule is 24 bytes, so the pointer arrays after the rules stay
  // 8-byte aligned.
  const size_t args = argc > 0 ? static_cast<size_t>(argc) : 1;
  size_t env_vars = 0;
  while (envp[env_vars] != nullptr) ++env_vars;
  const size_t env_slots = env_vars + args + 1;  // every variable, every --setenv, NULL
  const size_t script_slots = args + 2;          // sh, FILE, ARGS..., NULL
  const size_t pointers = args + env_slots + script_slots;
  char* block = static_cast<char*>(sys_alloc_zeroed(args * sizeof(LandlockRule) + pointers * sizeof(char*), 1));
  if (block == nullptr) die_errno("mmap", "arguments");
  c->rules = reinterpret_cast<LandlockRule*>(block);
  c->env_assignments = reinterpret_cast<char**>(block + args * sizeof(LandlockRule));
  c->command_env = c->env_assignments + args;
  c->script_argv = c->command_env + env_slots;

  bool seen_network = false, seen_abi = false, seen_handled = false, seen_scope = false;
  bool seen_flags = false, seen_reaper = false, seen_probe = false, seen_command_scope = false;
  bool seen_proc_sys = false, seen_deny_ipc = false;
  bool saw_separator = false, saw_other_option = false;

  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      saw_separator = true;
      c->command = argv + i + 1;
      break;
    }
    if (strcmp(arg, "--reaper") == 0) {
      mark_once(&seen_reaper, arg);
      c->reaper = true;
      saw_other_option = true;
      continue;
    }
    if (strcmp(arg, "--deny-ipc") == 0) {
      mark_once(&seen_deny_ipc, arg);
      c->deny_ipc = true;
      saw_other_option = true;
      continue;
    }
    if (strcmp(arg, "--proc-sys-readonly") == 0) {
      mark_once(&seen_proc_sys, arg);
      c->proc_sys_readonly = true;
      saw_other_option = true;
      continue;
    }
    const bool takes_value = strcmp(arg, "--network") == 0 || strcmp(arg, "--landlock-abi") == 0 ||
                             strcmp(arg, "--landlock-fs-handled") == 0 || strcmp(arg, "--landlock-rule") == 0 ||
                             strcmp(arg, "--landlock-scope") == 0 ||
                             strcmp(arg, "--landlock-restrict-flags") == 0 || strcmp(arg, "--probe") == 0 ||
                             strcmp(arg, "--setenv") == 0 || strcmp(arg, "--command-landlock-scope") == 0;
    if (!takes_value) {
      if (arg[0] == '-') usage_error("unknown option ", arg, ": see docs/native.md for the flags");
      usage_error("unexpected argument ", arg, " before '--': options come first, then -- COMMAND");
    }
    if (i + 1 >= argc || strcmp(argv[i + 1], "--") == 0) usage_error("missing value for ", arg, "");
    char* value = argv[++i];
    const size_t value_len = strlen(value);

    if (strcmp(arg, "--probe") == 0) {
      mark_once(&seen_probe, arg);
      if (strcmp(value, "userns") != 0) usage_error("unknown --probe mode ", value, ": expected userns");
      c->probe = ProbeMode::kUserns;
      continue;
    }
    saw_other_option = true;
    if (strcmp(arg, "--network") == 0) {
      mark_once(&seen_network, arg);
      if (strcmp(value, "restricted") == 0) {
        c->network = NetworkMode::kRestricted;
      } else if (strcmp(value, "enabled") == 0) {
        c->network = NetworkMode::kEnabled;
      } else {
        usage_error("invalid --network ", value, ": expected restricted or enabled");
      }
      continue;
    }
    if (strcmp(arg, "--setenv") == 0) {
      check_assignment(value);
      c->env_assignments[c->env_count++] = value;
      continue;
    }
    if (strcmp(arg, "--command-landlock-scope") == 0) {
      mark_once(&seen_command_scope, arg);
      c->has_command_scope = true;
      c->command_scope = parse_mask(arg, value, value_len);
      continue;
    }
    c->landlock = true;
    if (strcmp(arg, "--landlock-abi") == 0) {
      mark_once(&seen_abi, arg);
      uint64_t abi;
      // Decimal only: an ABI is a version number, not a mask.
      if (value[0] == '0' || !parse_u64(value, value_len, &abi) || abi > 0xffff) {
        usage_error("invalid --landlock-abi ", value, ": expected a decimal number from 1");
      }
      c->landlock_abi = static_cast<uint32_t>(abi);
    } else if (strcmp(arg, "--landlock-fs-handled") == 0) {
      mark_once(&seen_handled, arg);
      c->has_fs_handled = true;
      c->fs_handled = parse_mask(arg, value, value_len);
    } else if (strcmp(arg, "--landlock-scope") == 0) {
      mark_once(&seen_scope, arg);
      c->has_scope = true;
      c->scope = parse_mask(arg, value, value_len);
    } else if (strcmp(arg, "--landlock-restrict-flags") == 0) {
      mark_once(&seen_flags, arg);
      c->has_restrict_flags = true;
      uint64_t flags = parse_mask(arg, value, value_len);
      if (flags > UINT32_MAX) mask_error("--landlock-restrict-flags", flags, " does not fit in 32 bits");
      c->restrict_flags = static_cast<uint32_t>(flags);
    } else {
      parse_rule(value, &c->rules[c->rule_count++]);
    }
  }
  validate(c, saw_separator, saw_other_option);
}
