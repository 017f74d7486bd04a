// Landlock for the helper, as mechanical as samples/landlock/sandboxer.c: TypeScript decides the
// masks and the minimum ABI (platform/linux/landlock-abi.ts); this file checks the kernel offers
// that ABI, opens the rule paths and hands everything to the kernel unchanged, with one trim.
#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"
#include "landlock-compat.h"

namespace {

Line g_line;

void check_kernel_abi(uint32_t wanted) {
  // The kernel's highest ABI, or ENOSYS when it was built without Landlock, EOPNOTSUPP when it
  // was built with it but not enabled at boot (lsm=).
  const long abi = sys_landlock_create_ruleset(nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 0) {
    int err = errno;
    line_start(&g_line);
    if (err == ENOSYS) {
      line_add(&g_line, "Landlock is not implemented by this kernel (built without CONFIG_SECURITY_LANDLOCK)");
    } else if (err == EOPNOTSUPP) {
      line_add(&g_line, "Landlock is built into this kernel but not enabled (add landlock to the lsm= boot parameter)");
    } else {
      line_add(&g_line, "landlock_create_ruleset LANDLOCK_CREATE_RULESET_VERSION");
    }
    line_add(&g_line, "; --landlock-abi ");
    line_add_u64(&g_line, wanted);
    line_add(&g_line, " cannot be enforced");
    line_add_errno(&g_line, err);
    die_line(&g_line, kExitSetup);
  }
  if (static_cast<uint64_t>(abi) < wanted) {
    line_start(&g_line);
    line_add(&g_line, "the kernel's Landlock ABI is ");
    line_add_u64(&g_line, static_cast<uint64_t>(abi));
    line_add(&g_line, " but --landlock-abi ");
    line_add_u64(&g_line, wanted);
    line_add(&g_line, " is required: use a newer kernel or the bwrap backend");
    die_line(&g_line, kExitSetup);
  }
}

int open_rule_path(const char* path) {
  for (;;) {
    const int fd = sys_openat(AT_FDCWD, path, O_PATH | O_CLOEXEC);
    if (fd >= 0) return fd;
    if (errno != EINTR) die_errno("open", path);
  }
}

}  // namespace

int prepare_landlock(HelperConfig* config) {
  if (!config->landlock) return -1;
  check_kernel_abi(config->landlock_abi);

  csbx_landlock_ruleset_attr attr = {};
  attr.handled_access_fs = config->has_fs_handled ? config->fs_handled : 0;
  attr.scoped = config->has_scope ? config->scope : 0;
  const long ruleset = sys_landlock_create_ruleset(&attr, sizeof(attr), 0);
  if (ruleset < 0) die_errno("landlock_create_ruleset", "");
  const int ruleset_fd = static_cast<int>(ruleset);

  for (size_t i = 0; i < config->rule_count; ++i) {
    LandlockRule* rule = &config->rules[i];
    rule->fd = open_rule_path(rule->path);
    struct stat st;
    if (sys_fstat(rule->fd, &st) != 0) die_errno("fstat", rule->path);
    csbx_landlock_path_beneath_attr beneath = {};
    beneath.allowed_access = rule->allowed_access;
    beneath.parent_fd = rule->fd;
    // The one trim allowed (docs/native.md, mirrored by landlock-abi.ts): directory-only rights
    // (READ_DIR, REMOVE_*, MAKE_*, REFER) mean nothing on a file and the kernel refuses them
    // with EINVAL. Removing them narrows nothing.
    if (!S_ISDIR(st.st_mode)) beneath.allowed_access &= kLandlockFileRights;
    if (beneath.allowed_access != 0 && sys_landlock_add_rule(ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &beneath) != 0) {
      die_errno("landlock_add_rule", rule->path);
    }
    if (sys_close(rule->fd) != 0 && errno != EINTR) die_errno("close", rule->path);
    rule->fd = -1;
  }
  return ruleset_fd;
}

void apply_landlock(int ruleset_fd) {
  if (ruleset_fd < 0) return;
  if (sys_landlock_restrict_self(ruleset_fd, 0) != 0) die_errno("landlock_restrict_self", "");
  if (sys_close(ruleset_fd) != 0 && errno != EINTR) die_errno("close", "ruleset");
}

// --command-landlock-scope: a ruleset that handles no file access, only scopes. The reaper's
// forked child enters it, so the command lives in a domain nested in the reaper's.
int prepare_command_scope(const HelperConfig* config) {
  if (!config->has_command_scope) return -1;
  check_kernel_abi(kLandlockFirstScopeAbi);
  csbx_landlock_ruleset_attr attr = {};
  attr.scoped = config->command_scope;
  const long ruleset = sys_landlock_create_ruleset(&attr, sizeof(attr), 0);
  if (ruleset < 0) die_errno("landlock_create_ruleset", "--command-landlock-scope");
  return static_cast<int>(ruleset);
}
