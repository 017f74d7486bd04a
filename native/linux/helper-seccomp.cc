// The seccomp filter, built by hand as classic BPF (no libseccomp). Default action: allow; a
// matching rule returns EPERM (docs/reference.md#seccomp-rules). Three modes:
//   enabled    : the base rules only.
//   restricted : the base rules plus the network rules of docs/reference.md#seccomp-rules.
//   proxied    : the base rules, and socket() only for AF_INET and AF_INET6 (the reference's
//                proxy-routed mode). The command runs in a network namespace whose only device is
//                lo (helper-relay.cc checks), so inet sockets reach the relay and nothing else.
//                AF_UNIX socket() is denied: seccomp cannot see the path a unix socket connects
//                to, and the sandbox may see host sockets (the proxy's own, a docker or dbus
//                socket) through its read-only mounts; a policy allowlisting unix socket paths
//                is refused by the planner rather than widened to every visible socket.
//                socketpair stays AF_UNIX stream only, as in restricted mode.
// Base rules, always installed:
//   - a syscall from a foreign ABI kills the process: an i386 `int 0x80` or an arm32 syscall is
//     checked against a different table, so its numbers would slip past every rule below;
//   - x86_64 x32 syscalls (nr | __X32_SYSCALL_BIT) share the audit arch but not the numbers:
//     they fail with ENOSYS, as on a kernel without x32;
//   - ptrace, process_vm_readv/writev: no reaching into other processes of the same user;
//   - pidfd_getfd: the same reach by another road (it copies a descriptor, such as a connected
//     socket, out of another process under the ptrace access check). Not in the reference's list;
//     denied here because it would undo the two rules above and the network rules below;
//   - io_uring_setup/enter/register: io_uring performs socket operations without the syscalls
//     this filter sees;
//   - ioctl TIOCSTI/TIOCLINUX: no typing into the user's terminal (see kDeniedIoctls). Not in
//     the reference's list;
//   - bpf, perf_event_open, userfaultfd, add_key, keyctl, request_key: kernel attack surface
//     (see kBaseDenied). Not in the reference's list;
//   - socket/socketpair with AF_VSOCK: the WSL2 and hypervisor host bridge (docs/reference.md#wsl, #seccomp-rules).
// Restricted and proxied modes also refuse AF_UNIX datagram sockets (socket and socketpair), which the
// reference allows: sendmsg with an address sends from them to any host socket.
#include <asm/socket.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "helper-config.h"
#include "helper-die.h"
#include "helper-sys.h"

#ifndef SECCOMP_SET_MODE_FILTER
#define SECCOMP_SET_MODE_FILTER 1
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#if defined(__x86_64__)
#define CSBX_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CSBX_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "unsupported architecture for seccomp filter (x86_64 and aarch64 only)"
#endif

namespace {

// The kind bits of socket()'s type argument (the address families are in helper-sys.h).
constexpr uint32_t kSockTypeMask = 0xf;

// seccomp_data.args[] are u64; the socket family, level and option name are ints, so compare
// their low 32 bits (docs/reference.md#seccomp-rules), which sit first on little-endian machines.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned kLowWord = 0;
#else
constexpr unsigned kLowWord = 4;
#endif
constexpr unsigned kArg0Low = offsetof(seccomp_data, args[0]) + kLowWord;
constexpr unsigned kArg1Low = offsetof(seccomp_data, args[1]) + kLowWord;
constexpr unsigned kArg2Low = offsetof(seccomp_data, args[2]) + kLowWord;

#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif

// bpf, perf_event_open, userfaultfd and the key syscalls are not in the reference's list. They
// are kernel attack surface with a long record of privilege-escalation bugs, no build or test
// tool an agent runs needs them, and container runtimes' default seccomp profiles deny them too.
const int kBaseDenied[] = {
    __NR_ptrace,          __NR_process_vm_readv, __NR_process_vm_writev, __NR_pidfd_getfd,
    __NR_io_uring_setup,  __NR_io_uring_enter,   __NR_io_uring_register, __NR_bpf,
    __NR_perf_event_open, __NR_userfaultfd,      __NR_add_key,           __NR_keyctl,
    __NR_request_key,
};

// --deny-ipc: the Landlock and seccomp-only backends run in the caller's IPC namespace, where the
// host's SysV shared memory, message queues and semaphores, and its POSIX message queues, can be
// opened by key, id or name (docs/security.md R6). Creating an IPC namespace needs privilege these
// backends do not have, so the calls are refused instead; bubblewrap's --unshare-ipc gives its
// backend a private namespace and needs no such rule. shmdt only detaches what shmat attached.
const int kIpcDenied[] = {
    __NR_shmget,    __NR_shmat,        __NR_shmctl,          __NR_msgget,     __NR_msgsnd,        __NR_msgrcv,
    __NR_msgctl,    __NR_semget,       __NR_semop,           __NR_semtimedop, __NR_semctl,        __NR_mq_open,
    __NR_mq_unlink, __NR_mq_timedsend, __NR_mq_timedreceive, __NR_mq_notify,  __NR_mq_getsetattr,
};

// recvfrom, sendmsg and recvmsg stay allowed so AF_UNIX socketpairs between a tool and its
// children keep working (docs/reference.md#seccomp-rules).
// Unlike the reference, getsockname, getpeername and getsockopt(SOL_SOCKET, SO_TYPE) are allowed:
// Node's child_process hands a child AF_UNIX socketpairs as stdio (the reference uses pipes), and
// libuv identifies its stdio with exactly these calls; denied, a sandboxed `node` silently loses
// all of its output. They only describe a socket the process already holds; no socket can be
// created, bound or connected through them. Every other getsockopt stays denied.
const int kRestrictedDenied[] = {
    __NR_connect,  __NR_accept, __NR_accept4,  __NR_bind,     __NR_listen,
    __NR_shutdown, __NR_sendto, __NR_sendmmsg, __NR_recvmmsg, __NR_setsockopt,
};

// Terminal ioctls that push input into a terminal (CVE-2017-5226 class, docs/reference.md#hostile-input): TIOCSTI
// queues bytes as if typed, TIOCLINUX (subcode 2, paste) does the same on a virtual console. The
// Landlock and seccomp backends keep the caller's session, so the user's terminal is still the
// command's controlling tty and the shell would run what the command typed (docs/security.md G1);
// bwrap's --new-session covers its own backend, this covers every backend. The kernel truncates
// the request to 32 bits, so comparing the low word is exact.
const uint32_t kDeniedIoctls[] = {0x5412 /* TIOCSTI */, 0x541C /* TIOCLINUX */};

// Jump targets. BPF jumps go forward only, so the program ends with these blocks in this order.
enum Target { kNext, kIoctl, kSockOpt, kInetFamily, kFamily, kAllow, kDeny, kKill, kNoSys, kTargetCount };

struct Pending {
  sock_filter insn;
  Target jt;
  Target jf;
};

struct Builder {
  Pending items[kMaxSeccompInstructions];
  unsigned count;
  int target_at[kTargetCount];
};

void emit(Builder* b, unsigned short code, uint32_t k, Target jt, Target jf) {
  if (b->count >= kMaxSeccompInstructions) die("seccomp program too long (internal limit)");
  Pending* p = &b->items[b->count++];
  p->insn = BPF_STMT(code, k);
  p->jt = jt;
  p->jf = jf;
}

void stmt(Builder* b, unsigned short code, uint32_t k) { emit(b, code, k, kNext, kNext); }

void mark(Builder* b, Target t) { b->target_at[t] = static_cast<int>(b->count); }

unsigned char resolve(const Builder* b, unsigned at, Target t) {
  if (t == kNext) return 0;
  const int distance = b->target_at[t] - static_cast<int>(at) - 1;
  if (b->target_at[t] < 0 || distance < 0 || distance > 255) die("seccomp program jump out of range (internal)");
  return static_cast<unsigned char>(distance);
}

}  // namespace

void build_seccomp_program(NetworkMode mode, bool deny_ipc, SeccompProgram* program) {
  Builder b = {};
  for (int& at : b.target_at) at = -1;

  stmt(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
  emit(&b, BPF_JMP | BPF_JEQ | BPF_K, CSBX_AUDIT_ARCH, kNext, kKill);
  stmt(&b, BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
#if defined(__x86_64__)
  emit(&b, BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, kNoSys, kNext);
#endif
  for (int nr : kBaseDenied) emit(&b, BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), kDeny, kNext);
  emit(&b, BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, kIoctl, kNext);
  if (deny_ipc) {
    for (int nr : kIpcDenied) emit(&b, BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), kDeny, kNext);
  }
  if (mode == NetworkMode::kRestricted) {
    for (int nr : kRestrictedDenied) emit(&b, BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), kDeny, kNext);
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, __NR_getsockopt, kSockOpt, kNext);
  }
  if (mode == NetworkMode::kProxied) {
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, kInetFamily, kNext);
  } else {
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, kFamily, kNext);
  }
  emit(&b, BPF_JMP | BPF_JEQ | BPF_K, __NR_socketpair, kFamily, kAllow);

  mark(&b, kIoctl);
  stmt(&b, BPF_LD | BPF_W | BPF_ABS, kArg1Low);
  for (uint32_t request : kDeniedIoctls) emit(&b, BPF_JMP | BPF_JEQ | BPF_K, request, kDeny, kNext);
  stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

  if (mode == NetworkMode::kRestricted) {
    mark(&b, kSockOpt);
    stmt(&b, BPF_LD | BPF_W | BPF_ABS, kArg1Low);
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, SOL_SOCKET, kNext, kDeny);
    stmt(&b, BPF_LD | BPF_W | BPF_ABS, kArg2Low);
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, SO_TYPE, kAllow, kDeny);
  }

  if (mode == NetworkMode::kProxied) {
    mark(&b, kInetFamily);
    stmt(&b, BPF_LD | BPF_W | BPF_ABS, kArg0Low);
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, kAfInet, kAllow, kNext);
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, kAfInet6, kAllow, kDeny);
  }

  mark(&b, kFamily);
  stmt(&b, BPF_LD | BPF_W | BPF_ABS, kArg0Low);
  if (mode != NetworkMode::kEnabled) {
    // Only AF_UNIX; this also covers AF_VSOCK.
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, kAfUnix, kNext, kDeny);
    // ...and only stream or seqpacket: a datagram socket, even one end of a socketpair, reaches
    // any host socket named in sendmsg's msg_name, which the filter cannot read (docs/security.md
    // R5). The type's low nibble is the kind; SOCK_NONBLOCK and SOCK_CLOEXEC sit above it.
    stmt(&b, BPF_LD | BPF_W | BPF_ABS, kArg1Low);
    stmt(&b, BPF_ALU | BPF_AND | BPF_K, kSockTypeMask);
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, kSockDgram, kDeny, kAllow);
  } else {
    emit(&b, BPF_JMP | BPF_JEQ | BPF_K, kAfVsock, kDeny, kAllow);
  }
  mark(&b, kAllow);
  stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  mark(&b, kDeny);
  stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
  mark(&b, kKill);
  stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  mark(&b, kNoSys);
  stmt(&b, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));

  for (unsigned i = 0; i < b.count; ++i) {
    program->code[i] = b.items[i].insn;
    program->code[i].jt = resolve(&b, i, b.items[i].jt);
    program->code[i].jf = resolve(&b, i, b.items[i].jf);
  }
  program->len = static_cast<unsigned short>(b.count);
}

void apply_seccomp(const SeccompProgram* program) {
  sock_fprog prog = {};
  prog.len = program->len;
  prog.filter = const_cast<sock_filter*>(program->code);
  // Last restriction before exec: once installed, the helper itself may not make the denied
  // calls, and landlock_restrict_self must already have happened.
  if (sys_seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) die_errno("seccomp", "SECCOMP_SET_MODE_FILTER");
}

void print_seccomp_program(const HelperConfig* config) {
  SeccompProgram program;
  build_seccomp_program(config->network, config->deny_ipc, &program);
  const char* data = reinterpret_cast<const char*>(program.code);
  size_t left = program.len * sizeof(sock_filter);
  while (left > 0) {
    const long written = sys_write(1, data, left);
    if (written < 0) die_errno("write", "the seccomp program to stdout");
    data += written;
    left -= static_cast<size_t>(written);
  }
  sys_exit_group(0);
}
