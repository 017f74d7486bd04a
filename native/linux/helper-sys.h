// The helper's runtime layer: it links no C library. glibc's start-up (TLS, CPU features,
// tunables, IRELATIVE relocations) and its larger image cost more than the sandbox set-up itself
// on every spawned command (docs/native.md "The helper's runtime layer"). What the helper needs
// instead is here: raw system calls, the memory and string functions the compiler and the helper
// call, a page allocator (helper-sys.cc) and the errno descriptions for its messages
// (helper-errno.cc). The process entry is helper-start.cc.
//
// The addon links no C library either (docs/native.md "The addon's runtime"), and shares
// sys_raw, sys_error, the kernel's signal layouts and helper-sys.cc's memory and string
// functions. It never calls the wrappers that set the global errno: Node runs several threads,
// and a worker thread may call the addon while another does.
//
// Only kernel UAPI headers and the compiler's own freestanding headers are included, and only
// system calls present on both x86_64 and aarch64 are used (openat rather than open, clone
// rather than fork, wait4 rather than waitpid).
#ifndef CODEX_SANDBOX_HELPER_SYS_H
#define CODEX_SANDBOX_HELPER_SYS_H

#include <asm/signal.h>
#include <asm/stat.h>
#include <asm/unistd.h>
#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <stddef.h>
#include <stdint.h>

#include "landlock-compat.h"

#ifndef __NR_close_range
#define __NR_close_range 436
#endif

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "codex-sandbox's native code supports only x86_64 and aarch64"
#endif

// The errno of the last failed wrapper, as in libc: wrappers return -1 and set it. A plain global
// is enough: the helper has one thread, and a forked child has its own copy.
extern int errno;

// The one system call instruction; arguments the call does not take are passed as 0.
inline long sys_raw(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
#if defined(__x86_64__)
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
#else
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
#endif
}

// The errno a raw result carries, or 0: the kernel returns -4095..-1 for an error, and
// everything else is a result.
inline int sys_error(long ret) { return static_cast<unsigned long>(ret) > static_cast<unsigned long>(-4096L) ? static_cast<int>(-ret) : 0; }

inline long sys_call(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
  const long ret = sys_raw(nr, a, b, c, d, e, f);
  if (const int err = sys_error(ret)) {
    errno = err;
    return -1;
  }
  return ret;
}

template <typename T>
long sys_arg(T* pointer) {
  return reinterpret_cast<long>(pointer);
}

inline int sys_openat(int dir, const char* path, int flags) { return static_cast<int>(sys_call(__NR_openat, dir, sys_arg(path), flags)); }
inline long sys_read(int fd, void* buf, size_t len) { return sys_call(__NR_read, fd, sys_arg(buf), static_cast<long>(len)); }
inline long sys_write(int fd, const void* buf, size_t len) { return sys_call(__NR_write, fd, sys_arg(buf), static_cast<long>(len)); }
inline long sys_lseek(int fd, long offset, int whence) { return sys_call(__NR_lseek, fd, offset, whence); }
inline int sys_close(int fd) { return static_cast<int>(sys_call(__NR_close, fd)); }
inline int sys_fcntl(int fd, int cmd, long arg) { return static_cast<int>(sys_call(__NR_fcntl, fd, cmd, arg)); }
inline long sys_getdents64(int fd, void* buf, size_t len) { return sys_call(__NR_getdents64, fd, sys_arg(buf), static_cast<long>(len)); }
inline int sys_fstat(int fd, struct stat* out) { return static_cast<int>(sys_call(__NR_fstat, fd, sys_arg(out))); }
inline int sys_close_range(unsigned first, unsigned last, unsigned flags) {
  return static_cast<int>(sys_call(__NR_close_range, first, last, flags));
}

inline int sys_prctl(int option, unsigned long a2, unsigned long a3 = 0) {
  return static_cast<int>(sys_call(__NR_prctl, option, static_cast<long>(a2), static_cast<long>(a3), 0, 0));
}
inline int sys_capget(__user_cap_header_struct* header, __user_cap_data_struct* data) {
  return static_cast<int>(sys_call(__NR_capget, sys_arg(header), sys_arg(data)));
}
inline int sys_capset(__user_cap_header_struct* header, const __user_cap_data_struct* data) {
  return static_cast<int>(sys_call(__NR_capset, sys_arg(header), sys_arg(data)));
}
inline int sys_seccomp(unsigned op, unsigned flags, const void* args) {
  return static_cast<int>(sys_call(__NR_seccomp, op, flags, sys_arg(args)));
}
inline long sys_landlock_create_ruleset(const void* attr, size_t size, uint32_t flags) {
  return sys_call(__NR_landlock_create_ruleset, sys_arg(attr), static_cast<long>(size), flags);
}
inline int sys_landlock_add_rule(int ruleset_fd, int rule_type, const void* attr) {
  return static_cast<int>(sys_call(__NR_landlock_add_rule, ruleset_fd, rule_type, sys_arg(attr), 0));
}
inline int sys_landlock_restrict_self(int ruleset_fd, uint32_t flags) {
  return static_cast<int>(sys_call(__NR_landlock_restrict_self, ruleset_fd, flags));
}
inline int sys_unshare(unsigned long flags) { return static_cast<int>(sys_call(__NR_unshare, static_cast<long>(flags))); }
inline int sys_mount(const char* source, const char* target, const char* type, unsigned long flags, const char* data = nullptr) {
  return static_cast<int>(sys_call(__NR_mount, sys_arg(source), sys_arg(target), sys_arg(type), static_cast<long>(flags), sys_arg(data)));
}
inline int sys_umount2(const char* target, int flags) { return static_cast<int>(sys_call(__NR_umount2, sys_arg(target), flags)); }
inline int sys_pivot_root(const char* new_root, const char* put_old) {
  return static_cast<int>(sys_call(__NR_pivot_root, sys_arg(new_root), sys_arg(put_old)));
}
inline int sys_openat_mode(int dir, const char* path, int flags, unsigned mode) {
  return static_cast<int>(sys_call(__NR_openat, dir, sys_arg(path), flags, mode));
}
inline int sys_mkdirat(int dir, const char* path, unsigned mode) {
  return static_cast<int>(sys_call(__NR_mkdirat, dir, sys_arg(path), mode));
}
inline int sys_symlinkat(const char* target, int dir, const char* path) {
  return static_cast<int>(sys_call(__NR_symlinkat, sys_arg(target), dir, sys_arg(path)));
}
inline int sys_unlinkat(int dir, const char* path, int flags) {
  return static_cast<int>(sys_call(__NR_unlinkat, dir, sys_arg(path), flags));
}
inline long sys_readlinkat(int dir, const char* path, char* buf, size_t len) {
  return sys_call(__NR_readlinkat, dir, sys_arg(path), sys_arg(buf), static_cast<long>(len));
}
inline int sys_fstatat(int dir, const char* path, struct stat* out, int flags) {
  return static_cast<int>(sys_call(__NR_newfstatat, dir, sys_arg(path), sys_arg(out), flags));
}
inline int sys_faccessat(int dir, const char* path, int mode) {
  return static_cast<int>(sys_call(__NR_faccessat, dir, sys_arg(path), mode));
}
inline int sys_chdir(const char* path) { return static_cast<int>(sys_call(__NR_chdir, sys_arg(path))); }
inline long sys_getcwd(char* buf, size_t len) { return sys_call(__NR_getcwd, sys_arg(buf), static_cast<long>(len)); }
inline int sys_setsid() { return static_cast<int>(sys_call(__NR_setsid)); }
inline int sys_pipe2(int fds[2], int flags) { return static_cast<int>(sys_call(__NR_pipe2, sys_arg(fds), flags)); }
inline int sys_ioctl(int fd, unsigned long request, long arg) {
  return static_cast<int>(sys_call(__NR_ioctl, fd, static_cast<long>(request), arg));
}
// umask cannot fail; it returns the previous mask.
inline unsigned sys_umask(unsigned mask) { return static_cast<unsigned>(sys_raw(__NR_umask, mask)); }
inline int sys_getgid() { return static_cast<int>(sys_raw(__NR_getgid)); }
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
inline int sys_mount_setattr(int dir, const char* path, unsigned flags, const void* attr, size_t size) {
  return static_cast<int>(sys_call(__NR_mount_setattr, dir, sys_arg(path), flags, sys_arg(attr), static_cast<long>(size)));
}
inline int sys_geteuid() { return static_cast<int>(sys_raw(__NR_geteuid)); }

// These three cannot fail.
inline int sys_getuid() { return static_cast<int>(sys_raw(__NR_getuid)); }
inline int sys_getpid() { return static_cast<int>(sys_raw(__NR_getpid)); }
inline int sys_getppid() { return static_cast<int>(sys_raw(__NR_getppid)); }

// Address families and socket types: the kernel's UAPI headers leave them to the C library.
constexpr int kAfUnix = 1;
constexpr int kAfInet = 2;
constexpr int kAfInet6 = 10;
constexpr int kAfNetlink = 16;
constexpr int kAfVsock = 40;
constexpr int kSockStream = 1;
constexpr int kSockDgram = 2;
constexpr int kSockRaw = 3;

// Sockets, for the proxy relay (helper-relay.cc). Addresses are passed as raw bytes.
inline int sys_socket(int family, int type, int protocol) { return static_cast<int>(sys_call(__NR_socket, family, type, protocol)); }
inline int sys_bind(int fd, const void* addr, size_t len) {
  return static_cast<int>(sys_call(__NR_bind, fd, sys_arg(addr), static_cast<long>(len)));
}
inline int sys_listen(int fd, int backlog) { return static_cast<int>(sys_call(__NR_listen, fd, backlog)); }
inline int sys_connect(int fd, const void* addr, size_t len) {
  return static_cast<int>(sys_call(__NR_connect, fd, sys_arg(addr), static_cast<long>(len)));
}
inline int sys_accept4(int fd, int flags) { return static_cast<int>(sys_call(__NR_accept4, fd, 0, 0, flags)); }
inline int sys_setsockopt(int fd, int level, int name, const void* value, size_t len) {
  return static_cast<int>(sys_call(__NR_setsockopt, fd, level, name, sys_arg(value), static_cast<long>(len)));
}
inline int sys_shutdown(int fd, int how) { return static_cast<int>(sys_call(__NR_shutdown, fd, how)); }
inline long sys_send(int fd, const void* buf, size_t len, int flags) {
  return sys_call(__NR_sendto, fd, sys_arg(buf), static_cast<long>(len), flags, 0, 0);
}
// poll(): ppoll with no timeout and no signal mask (aarch64 has no poll syscall).
struct SysPollfd {
  int fd;
  short events;
  short revents;
};
inline int sys_ppoll(SysPollfd* fds, size_t count) {
  return static_cast<int>(sys_call(__NR_ppoll, sys_arg(fds), static_cast<long>(count), 0, 0, 0));
}

inline int sys_kill(int pid, int sig) { return static_cast<int>(sys_call(__NR_kill, pid, sig)); }
// fork(): clone with only the exit signal, no new stack, so the child returns here on a copy.
inline int sys_fork() { return static_cast<int>(sys_call(__NR_clone, SIGCHLD, 0, 0, 0, 0)); }
inline int sys_wait4(int pid, int* status, int options) { return static_cast<int>(sys_call(__NR_wait4, pid, sys_arg(status), options, 0)); }
inline int sys_execve(const char* path, char* const* argv, char* const* envp) {
  return static_cast<int>(sys_call(__NR_execve, sys_arg(path), sys_arg(argv), sys_arg(envp)));
}
[[noreturn]] inline void sys_exit_group(int status) {
  sys_raw(__NR_exit_group, status);
  __builtin_unreachable();
}

// Signals, in the kernel's own layout. sigset is one 64-bit word on both architectures; only
// SIG_DFL is ever installed, so no sa_restorer is needed.
using SysSigset = uint64_t;
constexpr SysSigset sys_sigbit(int sig) { return SysSigset{1} << (sig - 1); }
struct SysSigaction {
  __sighandler_t handler;
  unsigned long flags;
  unsigned long restorer;
  SysSigset mask;
};
// The first fields of the kernel's siginfo (identical on x86_64 and aarch64); the rest is padding.
struct SysSiginfo {
  int si_signo;
  int si_errno;
  int si_code;
  char rest[128 - 3 * sizeof(int)];
};
inline int sys_rt_sigaction(int sig, const SysSigaction* act, SysSigaction* old) {
  return static_cast<int>(sys_call(__NR_rt_sigaction, sig, sys_arg(act), sys_arg(old), sizeof(SysSigset)));
}
inline int sys_rt_sigprocmask(int how, const SysSigset* set, SysSigset* old) {
  return static_cast<int>(sys_call(__NR_rt_sigprocmask, how, sys_arg(set), sys_arg(old), sizeof(SysSigset)));
}
// sigwaitinfo(): no timeout.
inline int sys_rt_sigtimedwait(const SysSigset* set, SysSiginfo* info) {
  return static_cast<int>(sys_call(__NR_rt_sigtimedwait, sys_arg(set), sys_arg(info), 0, sizeof(SysSigset)));
}

// Zeroed memory from fresh anonymous pages, never freed (the helper execs or exits soon after).
// nullptr with errno set on failure.
void* sys_alloc_zeroed(size_t count, size_t size);

// The glibc description of an errno ("No such file or directory"), or nullptr when the helper
// has none for it.
const char* sys_errno_description(int err);

// The compiler emits calls to memset and memcpy for struct initialisation and copies, so they
// keep their C names and signatures.
extern "C" {
void* memset(void* dest, int c, size_t len);
void* memcpy(void* dest, const void* src, size_t len);
size_t strlen(const char* text);
int strcmp(const char* a, const char* b);
char* strchr(const char* text, int c);
}

#endif
