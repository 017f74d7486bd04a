#define _GNU_SOURCE
// Escape probe P30 (docs/security.md#probe-table): create an AF_INET socket through the 32-bit syscall entry (int $0x80) of an
// x86_64 process. A seccomp filter that checks syscall numbers without checking the audit arch
// would miss it: in the i386 table 102 is socketcall and 359 is socket, neither of which is the
// x86_64 socket (41). Prints one JSON line in the format of probes.py.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static long int80(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}

static void op(int first, const char *label, long ret) {
  int ok = ret >= 0;
  const char *name = ok ? NULL : strerrorname_np((int)-ret);
  printf("%s{\"op\": \"%s\", \"ok\": %s, \"errno\": %s%s%s, \"detail\": \"ret=%ld\"}", first ? "" : ", ", label,
         ok ? "true" : "false", name ? "\"" : "", name ? name : "null", name ? "\"" : "", ret);
}

int main(void) {
  // socketcall takes a pointer to its arguments; int $0x80 truncates pointers to 32 bits.
  unsigned int *args = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  printf("{\"probe\": \"int80-socket\", \"ops\": [");
  if (args == MAP_FAILED) {
    op(1, "mmap MAP_32BIT", -errno);
  } else {
    args[0] = 2;  // AF_INET
    args[1] = 1;  // SOCK_STREAM
    args[2] = 0;
    op(1, "i386 socketcall(SYS_SOCKET, AF_INET)", int80(102, 1, (long)(unsigned long)args, 0));
  }
  op(0, "i386 socket(AF_INET)", int80(359, 2, 1, 0));
  printf("]}\n");
  return 0;
}
