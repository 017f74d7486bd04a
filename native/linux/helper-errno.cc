// Descriptions of the errnos the helper's system calls can report, worded exactly as glibc's
// strerror words them, so the one-line messages read the same as with a C library. The list
// covers the documented failures of every call the helper makes (open, fstat, the Landlock
// calls, prctl, capset, seccomp, close_range, getdents64, mmap, unshare, clone, wait4, execve);
// any other number prints "Unknown error N". test/unit/linux/helper-runtime.test.ts compares
// each text with the system's strerror.
#include "helper-sys.h"

const char* sys_errno_description(int err) {
  switch (err) {
    case EPERM: return "Operation not permitted";
    case ENOENT: return "No such file or directory";
    case EINTR: return "Interrupted system call";
    case EIO: return "Input/output error";
    case E2BIG: return "Argument list too long";
    case ENOEXEC: return "Exec format error";
    case EBADF: return "Bad file descriptor";
    case ECHILD: return "No child processes";
    case EAGAIN: return "Resource temporarily unavailable";
    case ENOMEM: return "Cannot allocate memory";
    case EACCES: return "Permission denied";
    case EFAULT: return "Bad address";
    case ENODEV: return "No such device";
    case ENOTDIR: return "Not a directory";
    case EISDIR: return "Is a directory";
    case EINVAL: return "Invalid argument";
    case ENFILE: return "Too many open files in system";
    case EMFILE: return "Too many open files";
    case ETXTBSY: return "Text file busy";
    case ENOSPC: return "No space left on device";
    case ENAMETOOLONG: return "File name too long";
    case ENOSYS: return "Function not implemented";
    case ELOOP: return "Too many levels of symbolic links";
    case ENOMSG: return "No message of desired type";
    case EOVERFLOW: return "Value too large for defined data type";
    case EBADFD: return "File descriptor in bad state";
    case ELIBBAD: return "Accessing a corrupted shared library";
    case EUSERS: return "Too many users";
    case EOPNOTSUPP: return "Operation not supported";
    case ETIMEDOUT: return "Connection timed out";
    case ESTALE: return "Stale file handle";
    default: return nullptr;
  }
}
