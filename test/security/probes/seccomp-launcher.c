#define _GNU_SOURCE
// Makes a capability missing for real, for one process tree only: installs a seccomp filter and
// execs the rest of argv. Used by the fail-closed matrix instead of mocks, and unlike a sysctl it
// cannot disturb anything else running on the machine.
//   --no-userns   unshare/clone with CLONE_NEWUSER fail with EPERM (as with user namespaces
//                 disabled); clone3, whose flags seccomp cannot read, fails with ENOSYS so libc
//                 falls back to clone
//   --no-landlock landlock_create_ruleset/add_rule/restrict_self fail with ENOSYS (no Landlock)
//   --no-seccomp  seccomp() and prctl(PR_SET_SECCOMP) fail with EINVAL (kernel without seccomp
//                 filters); this filter itself is installed first, so it stays in force
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_INSNS 64
static struct sock_filter prog[MAX_INSNS];
static unsigned n;

static void add(unsigned short code, unsigned k, unsigned char jt, unsigned char jf) {
  struct sock_filter f = BPF_JUMP(code, k, jt, jf);
  prog[n++] = f;
}

// Each rule: if nr == NR (and, when flag_mask, arg0 has one of its bits, or equals it when
// exact), return ERRNO(err).
static void deny_arg(int nr, unsigned err, unsigned flag_mask, int exact) {
  add(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
  if (flag_mask == 0) {
    add(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
    add(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err, 0, 0);
    return;
  }
  add(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 3);
  add(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]), 0, 0);
  add(BPF_JMP | (exact ? BPF_JEQ : BPF_JSET) | BPF_K, flag_mask, 0, 1);
  add(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err, 0, 0);
}

static void deny(int nr, unsigned err) { deny_arg(nr, err, 0, 0); }

int main(int argc, char **argv) {
  int i = 1;
  add(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
  add(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  add(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
  for (; i < argc && strncmp(argv[i], "--no-", 5) == 0; i++) {
    if (strcmp(argv[i], "--no-userns") == 0) {
      deny_arg(SYS_unshare, EPERM, CLONE_NEWUSER, 0);
      deny_arg(SYS_clone, EPERM, CLONE_NEWUSER, 0);
      deny(SYS_clone3, ENOSYS);
    } else if (strcmp(argv[i], "--no-landlock") == 0) {
      deny(444, ENOSYS);
      deny(445, ENOSYS);
      deny(446, ENOSYS);
    } else if (strcmp(argv[i], "--no-seccomp") == 0) {
      deny(SYS_seccomp, EINVAL);
      deny_arg(SYS_prctl, EINVAL, PR_SET_SECCOMP, 1);
    } else {
      fprintf(stderr, "seccomp-launcher: unknown option %s\n", argv[i]);
      return 125;
    }
  }
  add(BPF_RET | BPF_K, SECCOMP_RET_ALLOW, 0, 0);
  if (i >= argc) {
    fprintf(stderr, "seccomp-launcher: no command\n");
    return 125;
  }
  struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) {
    perror("seccomp-launcher: install filter");
    return 125;
  }
  execv(argv[i], argv + i);
  perror("seccomp-launcher: execv");
  return 127;
}
