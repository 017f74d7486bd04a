// The runtime functions of helper-sys.h that are not system call wrappers.
//
// GCC recognises a byte loop as memset or memcpy and replaces it with a call to that function,
// which here would be the function itself; binding.gyp builds the helper with
// -fno-tree-loop-distribute-patterns so these loops stay loops.
#include <linux/mman.h>

#include "helper-sys.h"

int errno;

void* sys_alloc_zeroed(size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) {
    errno = ENOMEM;
    return nullptr;
  }
  const size_t bytes = count * size != 0 ? count * size : 1;
  const long addr = sys_call(__NR_mmap, 0, static_cast<long>(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return addr == -1 ? nullptr : reinterpret_cast<void*>(addr);
}

extern "C" {

void* memset(void* dest, int c, size_t len) {
  unsigned char* d = static_cast<unsigned char*>(dest);
  for (size_t i = 0; i < len; ++i) d[i] = static_cast<unsigned char>(c);
  return dest;
}

void* memcpy(void* dest, const void* src, size_t len) {
  unsigned char* d = static_cast<unsigned char*>(dest);
  const unsigned char* s = static_cast<const unsigned char*>(src);
  for (size_t i = 0; i < len; ++i) d[i] = s[i];
  return dest;
}

size_t strlen(const char* text) {
  size_t len = 0;
  while (text[len] != '\0') ++len;
  return len;
}

int strcmp(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return static_cast<int>(static_cast<unsigned char>(*a)) - static_cast<int>(static_cast<unsigned char>(*b));
}

char* strchr(const char* text, int c) {
  const char wanted = static_cast<char>(c);
  for (;; ++text) {
    if (*text == wanted) return const_cast<char*>(text);
    if (*text == '\0') return nullptr;
  }
}

}  // extern "C"
