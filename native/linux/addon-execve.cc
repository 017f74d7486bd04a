// execve(path, argv, env): lets `codex-linux-sandbox` become the sandbox (exec the helper or
// bwrap) instead of keeping a Node process waiting on a child. Returns only on failure.
#include <linux/mman.h>

#include "addon-exports.h"
#include "helper-die.h"
#include "helper-sys.h"

namespace {

// Memory without a C library: one anonymous mapping, moved by mremap when it must grow, and
// unmapped when the call returns (after a successful execve there is nothing left to unmap).
class Block {
 public:
  Block() = default;
  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;
  ~Block() {
    if (base_ != nullptr) sys_raw(__NR_munmap, sys_arg(base_), static_cast<long>(size_));
  }

  // Room for `more` bytes past the used ones; false with failed_call() and err() set.
  bool reserve(size_t more) {
    if (size_ - used_ >= more) return true;
    size_t want = size_ == 0 ? kFirstSize : size_;
    while (want - used_ < more) want *= 2;
    const long addr = base_ == nullptr
                          ? sys_raw(__NR_mmap, 0, static_cast<long>(want), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                          : sys_raw(__NR_mremap, sys_arg(base_), static_cast<long>(size_), static_cast<long>(want), MREMAP_MAYMOVE);
    if (const int err = sys_error(addr)) {
      failed_call_ = base_ == nullptr ? "mmap" : "mremap";
      err_ = err;
      return false;
    }
    base_ = reinterpret_cast<char*>(addr);
    size_ = want;
    return true;
  }

  char* end() const { return base_ + used_; }
  size_t used() const { return used_; }
  char* base() const { return base_; }
  void advance(size_t n) { used_ += n; }
  const char* failed_call() const { return failed_call_; }
  int err() const { return err_; }

 private:
  static constexpr size_t kFirstSize = 64 * 1024;
  char* base_ = nullptr;
  size_t size_ = 0;
  size_t used_ = 0;
  const char* failed_call_ = nullptr;
  int err_ = 0;
};

enum class Copied { kOk, kNul, kThrown, kNoMemory };

// The strings execve takes, copied out of JavaScript in argument order: their bytes in text_,
// and in slots_ one pointer per string (its offset plus one while text_ may still move), with a
// null pointer closing each list. The layout is [path, argv..., null, env..., null].
class Strings {
 public:
  Copied add(napi_env env, napi_value string) {
    size_t len = 0;
    if (!napi_succeeded(env, napi_get_value_string_utf8(env, string, nullptr, 0, &len))) return Copied::kThrown;
    if (!text_.reserve(len + 1) || !add_slot(reinterpret_cast<char*>(text_.used() + 1))) return Copied::kNoMemory;
    char* at = text_.end();
    size_t copied = 0;
    if (!napi_succeeded(env, napi_get_value_string_utf8(env, string, at, len + 1, &copied))) return Copied::kThrown;
    text_.advance(copied + 1);
    return strlen(at) == copied ? Copied::kOk : Copied::kNul;
  }

  bool end_list() { return add_slot(nullptr); }

  // The slots as pointers into the text, once every string is in.
  char** finish() {
    char** slots = reinterpret_cast<char**>(slots_.base());
    const size_t count = slots_.used() / sizeof(char*);
    for (size_t i = 0; i < count; ++i) {
      if (slots[i] != nullptr) slots[i] = text_.base() + (reinterpret_cast<uintptr_t>(slots[i]) - 1);
    }
    return slots;
  }

  // The mapping that could not grow.
  const Block& failed() const { return text_.failed_call() != nullptr ? text_ : slots_; }

 private:
  bool add_slot(char* value) {
    if (!slots_.reserve(sizeof value)) return false;
    memcpy(slots_.end(), &value, sizeof value);
    slots_.advance(sizeof value);
    return true;
  }

  Block text_;
  Block slots_;
};

constexpr int64_t kWholeList = -1;

// "<list> <problem>", or "<list>[<index>] <problem>" for one element.
napi_value throw_list_error(napi_env env, const char* list, int64_t index, const char* problem) {
  Line line;
  line.len = 0;
  line_add(&line, list);
  if (index != kWholeList) {
    line_add(&line, "[");
    line_add_u64(&line, static_cast<uint64_t>(index));
    line_add(&line, "]");
  }
  line_add(&line, " ");
  line_add(&line, problem);
  return throw_type_error(env, line_c_str(&line));
}

// Appends the strings of the array `value`, then a null slot. kThrown means a TypeError (or an
// exception from the array itself) is pending.
Copied read_strings(napi_env env, napi_value value, const char* name, Strings* out) {
  bool is_array = false;
  if (!napi_succeeded(env, napi_is_array(env, value, &is_array))) return Copied::kThrown;
  if (!is_array) {
    throw_list_error(env, name, kWholeList, "must be an array of strings");
    return Copied::kThrown;
  }
  uint32_t length = 0;
  if (!napi_succeeded(env, napi_get_array_length(env, value, &length))) return Copied::kThrown;
  for (uint32_t i = 0; i < length; ++i) {
    napi_value item = nullptr;
    napi_valuetype type = napi_undefined;
    if (!napi_succeeded(env, napi_get_element(env, value, i, &item)) || !napi_succeeded(env, napi_typeof(env, item, &type))) {
      return Copied::kThrown;
    }
    if (type != napi_string) {
      throw_list_error(env, name, i, "must be a string");
      return Copied::kThrown;
    }
    const Copied copied = out->add(env, item);
    if (copied == Copied::kNul) {
      throw_list_error(env, name, i, "contains a NUL byte");
      return Copied::kThrown;
    }
    if (copied != Copied::kOk) return copied;
  }
  return out->end_list() ? Copied::kOk : Copied::kNoMemory;
}

long rt_sigaction(int sig, const SysSigaction* action, SysSigaction* old) {
  return sys_raw(__NR_rt_sigaction, sig, sys_arg(action), sys_arg(old), sizeof(SysSigset));
}

long rt_sigprocmask(const SysSigset* mask, SysSigset* old) {
  return sys_raw(__NR_rt_sigprocmask, SIG_SETMASK, sys_arg(mask), sys_arg(old), sizeof(SysSigset));
}

// Node leaves state behind that an exec'd program would inherit: SIGPIPE (and SIGXFSZ) ignored,
// signals blocked in this thread, O_NONBLOCK on stdio pipes, and FD_CLOEXEC on stdio (libuv),
// which would hand the program closed descriptors 0-2. Reset it for the new program and put it
// back if execve fails, because Node keeps running then.
struct InheritedState {
  SysSigaction pipe_action;
  SysSigaction xfsz_action;
  SysSigset mask;
  long stdio_flags[3];
  long stdio_fd_flags[3];
};

// Results are not checked: each call only fails for an invalid argument, and a value that could
// not be reset merely leaves the new program with Node's setting.
void reset_for_exec(InheritedState* saved) {
  const SysSigaction dfl = {};  // SIG_DFL, no flags, nothing blocked
  rt_sigaction(SIGPIPE, &dfl, &saved->pipe_action);
  rt_sigaction(SIGXFSZ, &dfl, &saved->xfsz_action);
  const SysSigset empty = 0;
  rt_sigprocmask(&empty, &saved->mask);
  for (int fd = 0; fd < 3; ++fd) {
    saved->stdio_flags[fd] = sys_raw(__NR_fcntl, fd, F_GETFL);
    if (saved->stdio_flags[fd] >= 0 && (saved->stdio_flags[fd] & O_NONBLOCK) != 0) {
      sys_raw(__NR_fcntl, fd, F_SETFL, saved->stdio_flags[fd] & ~O_NONBLOCK);
    }
    saved->stdio_fd_flags[fd] = sys_raw(__NR_fcntl, fd, F_GETFD);
    if (saved->stdio_fd_flags[fd] >= 0 && (saved->stdio_fd_flags[fd] & FD_CLOEXEC) != 0) {
      sys_raw(__NR_fcntl, fd, F_SETFD, saved->stdio_fd_flags[fd] & ~FD_CLOEXEC);
    }
  }
}

void restore_after_failure(const InheritedState* saved) {
  for (int fd = 0; fd < 3; ++fd) {
    if (saved->stdio_flags[fd] >= 0) sys_raw(__NR_fcntl, fd, F_SETFL, saved->stdio_flags[fd]);
    if (saved->stdio_fd_flags[fd] >= 0) sys_raw(__NR_fcntl, fd, F_SETFD, saved->stdio_fd_flags[fd]);
  }
  rt_sigprocmask(&saved->mask, nullptr);
  rt_sigaction(SIGXFSZ, &saved->xfsz_action, nullptr);
  rt_sigaction(SIGPIPE, &saved->pipe_action, nullptr);
}

}  // namespace

napi_value execve_replace(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3] = {};
  napi_valuetype path_type = napi_undefined;
  if (!napi_succeeded(env, napi_get_cb_info(env, info, &argc, args, nullptr, nullptr))) return nullptr;
  if (argc == 3 && !napi_succeeded(env, napi_typeof(env, args[0], &path_type))) return nullptr;
  if (argc != 3 || path_type != napi_string) return throw_type_error(env, "execve(path: string, argv: string[], env: string[])");

  Strings strings;
  Copied copied = strings.add(env, args[0]);
  if (copied == Copied::kNul) return throw_type_error(env, "path contains a NUL byte");
  if (copied == Copied::kOk) copied = read_strings(env, args[1], "argv", &strings);
  if (copied == Copied::kOk) copied = read_strings(env, args[2], "env", &strings);
  if (copied == Copied::kThrown) return nullptr;
  if (copied == Copied::kNoMemory) return failure(env, strings.failed().failed_call(), strings.failed().err());

  char** slots = strings.finish();
  char** argv = slots + 1;
  char** envp = argv;
  while (*envp != nullptr) ++envp;
  ++envp;

  InheritedState saved;
  reset_for_exec(&saved);
  const int err = sys_error(sys_raw(__NR_execve, sys_arg(slots[0]), sys_arg(argv), sys_arg(envp)));
  restore_after_failure(&saved);
  return failure(env, "execve", err);
}
