// Process entry. With no C library, the kernel jumps straight to _start with the initial stack
// [argc, argv..., NULL, envp..., NULL, auxv (type, value) pairs..., AT_NULL]. Before main runs,
// helper_start does what a C library's start-up would have done for this program, and nothing
// more:
//   1. the stack protector's reference value, from the kernel's AT_RANDOM bytes;
//   2. the relocations: the helper is a static PIE loaded at a random address, and pointers
//      stored in its data (a table of strings, say) hold link-time addresses until the load
//      address is added;
//   3. RELRO: the relocated data becomes read-only again (-z relro), so a stray write cannot
//      redirect those pointers;
// then exit_group(main(argc, argv, envp)).
#include <linux/mman.h>
#include <linux/auxvec.h>
#include <linux/elf.h>

#include "helper-die.h"
#include "helper-sys.h"

int main(int argc, char** argv, char** envp);

extern "C" {

// binding.gyp builds the helper with -mstack-protector-guard=global, so on x86_64 as on aarch64
// GCC compares against this word rather than one at a fixed offset from the thread pointer, and
// the helper needs no thread-local storage at all.
uintptr_t __stack_chk_guard;

[[noreturn]] void __stack_chk_fail() { die("stack smashing detected"); }

// Defined by the linker. Hidden, so their addresses are computed relative to the code and are
// right before any relocation has been applied.
extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern const Elf64_Dyn _DYNAMIC[] __attribute__((visibility("hidden")));

[[noreturn]] void helper_start(uintptr_t* stack);

}  // extern "C"

#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl _start\n"
    ".hidden _start\n"
    ".type _start, @function\n"
    "_start:\n"
    "  xor %ebp, %ebp\n"  // the outermost frame, for debuggers
    "  mov %rsp, %rdi\n"  // the initial stack is helper_start's argument
    "  and $-16, %rsp\n"
    "  call helper_start\n"  // noreturn
    "  hlt\n");
#else
__asm__(
    ".text\n"
    ".globl _start\n"
    ".hidden _start\n"
    ".type _start, %function\n"
    "_start:\n"
    "  mov x29, #0\n"
    "  mov x30, #0\n"
    "  mov x0, sp\n"
    "  bl helper_start\n"
    "  brk #0\n");
#endif

namespace {

#if defined(__x86_64__)
constexpr uint32_t kRelativeRelocation = 8;  // R_X86_64_RELATIVE
#else
constexpr uint32_t kRelativeRelocation = 1027;  // R_AARCH64_RELATIVE
#endif

// Until the relocations are applied, die() and its tables cannot be trusted: report with one
// fixed line instead.
template <size_t N>
[[noreturn]] __attribute__((no_stack_protector)) void start_failed(const char (&message)[N]) {
  sys_write(2, message, N - 1);
  sys_exit_group(kExitSetup);
}

// The linker lays out a static PIE so that it needs only relative relocations: add the load
// address to each. Any other kind (DT_REL, DT_RELR, a symbol lookup) means a toolchain this
// code was not written for, so refuse to run rather than run with wrong pointers.
__attribute__((no_stack_protector)) void relocate(uintptr_t base) {
  uintptr_t table = 0;
  size_t size = 0;
  size_t entry_size = sizeof(Elf64_Rela);
  for (const Elf64_Dyn* dyn = _DYNAMIC; dyn->d_tag != DT_NULL; ++dyn) {
    switch (dyn->d_tag) {
      case DT_RELA: table = base + dyn->d_un.d_ptr; break;
      case DT_RELASZ: size = dyn->d_un.d_val; break;
      case DT_RELAENT: entry_size = dyn->d_un.d_val; break;
      case DT_REL:
      case 36:  // DT_RELR, newer than these headers
        start_failed("codex-sandbox-helper: cannot start: the executable needs relocations other than RELA\n");
      default: break;
    }
  }
  if (entry_size != sizeof(Elf64_Rela)) {
    start_failed("codex-sandbox-helper: cannot start: unexpected relocation entry size\n");
  }
  for (size_t at = 0; at < size; at += entry_size) {
    const Elf64_Rela* rela = reinterpret_cast<const Elf64_Rela*>(table + at);
    if (ELF64_R_TYPE(rela->r_info) != kRelativeRelocation) {
      start_failed("codex-sandbox-helper: cannot start: the executable needs relocations other than relative ones\n");
    }
    *reinterpret_cast<uintptr_t*>(base + rela->r_offset) = base + static_cast<uintptr_t>(rela->r_addend);
  }
}

}  // namespace

void helper_start(uintptr_t* stack) __attribute__((no_stack_protector));
void helper_start(uintptr_t* stack) {
  const int argc = static_cast<int>(stack[0]);
  char** argv = reinterpret_cast<char**>(stack + 1);
  char** envp = argv + argc + 1;
  char** end_of_env = envp;
  while (*end_of_env != nullptr) ++end_of_env;
  const uintptr_t* auxv = reinterpret_cast<const uintptr_t*>(end_of_env + 1);
  const unsigned char* random = nullptr;
  uintptr_t page_size = 4096;
  for (; auxv[0] != AT_NULL; auxv += 2) {
    if (auxv[0] == AT_RANDOM) random = reinterpret_cast<const unsigned char*>(auxv[1]);
    if (auxv[0] == AT_PAGESZ) page_size = auxv[1];
  }
  if (random == nullptr) start_failed("codex-sandbox-helper: cannot start: the kernel passed no AT_RANDOM\n");
  // The low byte stays zero, as in glibc: a string overflow that reaches the guard then stops
  // at it (a C string cannot carry a zero byte) and cannot print it either.
  uintptr_t guard = 0;
  for (unsigned i = 1; i < sizeof(guard); ++i) guard |= static_cast<uintptr_t>(random[i]) << (8 * i);
  __stack_chk_guard = guard;

  const Elf64_Phdr* phdrs = reinterpret_cast<const Elf64_Phdr*>(reinterpret_cast<const char*>(&__ehdr_start) + __ehdr_start.e_phoff);
  uintptr_t base = 0;
  const Elf64_Phdr* relro = nullptr;
  for (unsigned i = 0; i < __ehdr_start.e_phnum; ++i) {
    if (phdrs[i].p_type == PT_DYNAMIC) base = reinterpret_cast<uintptr_t>(_DYNAMIC) - phdrs[i].p_vaddr;
    if (phdrs[i].p_type == PT_GNU_RELRO) relro = &phdrs[i];
  }
  relocate(base);

  if (relro != nullptr) {
    // Both ends rounded down: the last partial page also holds writable data.
    const uintptr_t start = (base + relro->p_vaddr) & ~(page_size - 1);
    const uintptr_t end = (base + relro->p_vaddr + relro->p_memsz) & ~(page_size - 1);
    if (end > start && sys_call(__NR_mprotect, static_cast<long>(start), static_cast<long>(end - start), PROT_READ) != 0) {
      die_errno("mprotect", "RELRO");
    }
  }
  sys_exit_group(main(argc, argv, envp));
}
