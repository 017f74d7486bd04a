// --proc-sys-readonly: for plans whose write grant covers /proc (a full-write Landlock ruleset
// grants every right on /). Root keeps uid 0 after the helper drops every capability, and uid 0
// owns the sysctl files, so without this the command could open /proc/sys/kernel/core_pattern
// for writing and have the kernel run a program of its choice, as root and outside any sandbox,
// at the next crash (issue #20). The same list bubblewrap remounts read-only under its --proc.
//
// Only when the effective uid is 0: other users cannot write those files at all. In a private
// mount namespace made a recursive slave, so mounts made on the host later still propagate in,
// and none made here propagates out. After the capability drop the command can neither unmount
// nor remount them: that needs CAP_SYS_ADMIN in the namespace's owner (the initial user
// namespace), a nested user namespace copies them locked (MNT_LOCKED, MNT_LOCK_READONLY), and
// Landlock denies every mount operation to a sandboxed process anyway.
#include <linux/mount.h>
#include <linux/sched.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif

namespace {

// struct mount_attr (Linux 5.12), spelled out for older UAPI headers.
struct CsbxMountAttr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

const char* const kReadOnly[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"};

}  // namespace

void protect_proc_sys() {
  if (sys_geteuid() != 0) return;
  if (sys_unshare(CLONE_NEWNS) != 0) die_errno("unshare", "CLONE_NEWNS (--proc-sys-readonly)");
  if (sys_mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE) != 0) die_errno("mount", "/ MS_REC|MS_SLAVE");
  CsbxMountAttr attr = {};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  for (const char* path : kReadOnly) {
    // A kernel without the file (no /proc/bus without PCI, for example) has nothing to protect.
    if (sys_mount(path, path, nullptr, MS_BIND | MS_REC) != 0) {
      if (errno == ENOENT) continue;
      die_errno("mount", path);
    }
    // Recursive: a plain read-only remount would leave submounts such as
    // /proc/sys/fs/binfmt_misc writable.
    if (sys_mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof(attr)) != 0) die_errno("mount_setattr", path);
  }
}
