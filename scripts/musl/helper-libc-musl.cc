// For scripts/musl-helper.sh only, never in the shipped build: the runtime functions of
// native/linux/helper-sys.h taken from musl instead of written out (helper-sys.cc and
// helper-errno.cc), so the comparison in docs/native.md measures a helper that leans on its C
// library for everything but the system call wrappers. Compiled against musl's headers alone.
#include <errno.h>
#include <stdlib.h>
#include <string.h>

// helper-sys.h's wrappers set their own errno; musl's is a per-thread location behind a macro.
#undef errno
int errno;

void* sys_alloc_zeroed(size_t count, size_t size) {
  void* block = calloc(count, size);
  if (block == nullptr) errno = ENOMEM;
  return block;
}

// musl words many errnos differently from glibc, one of the costs docs/native.md weighs.
const char* sys_errno_description(int err) { return strerror(err); }
