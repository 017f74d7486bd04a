// execve(path, argv, env): lets `codex-linux-sandbox` become the sandbox (exec the helper or
// bwrap) instead of keeping a Node process waiting on a child. Returns only on failure.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "addon-exports.h"

namespace {

bool read_strings(Napi::Env env, Napi::Value value, const char* name, std::vector<std::string>* out) {
  if (!value.IsArray()) {
    Napi::TypeError::New(env, std::string(name) + " must be an array of strings").ThrowAsJavaScriptException();
    return false;
  }
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (env.IsExceptionPending()) return false;
    if (!item.IsString()) {
      Napi::TypeError::New(env, std::string(name) + "[" + std::to_string(i) + "] must be a string").ThrowAsJavaScriptException();
      return false;
    }
    std::string text = item.As<Napi::String>().Utf8Value();
    if (text.find('\0') != std::string::npos) {
      Napi::TypeError::New(env, std::string(name) + "[" + std::to_string(i) + "] contains a NUL byte").ThrowAsJavaScriptException();
      return false;
    }
    out->push_back(std::move(text));
  }
  return true;
}

std::vector<char*> pointers(std::vector<std::string>* strings) {
  std::vector<char*> out;
  out.reserve(strings->size() + 1);
  for (std::string& s : *strings) out.push_back(&s[0]);
  out.push_back(nullptr);
  return out;
}

// Node leaves state behind that an exec'd program would inherit: SIGPIPE (and SIGXFSZ) ignored,
// signals blocked in this thread, O_NONBLOCK on stdio pipes, and FD_CLOEXEC on stdio (libuv),
// which would hand the program closed descriptors 0-2. Reset it for the new program and put it
// back if execve fails, because Node keeps running then.
struct InheritedState {
  struct sigaction pipe_action;
  struct sigaction xfsz_action;
  sigset_t mask;
  int stdio_flags[3];
  int stdio_fd_flags[3];
};

// Results are not checked: each call only fails for an invalid argument, and a value that could
// not be reset merely leaves the new program with Node's setting.
void reset_for_exec(InheritedState* saved) {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGPIPE, &dfl, &saved->pipe_action);
  sigaction(SIGXFSZ, &dfl, &saved->xfsz_action);
  sigset_t empty;
  sigemptyset(&empty);
  pthread_sigmask(SIG_SETMASK, &empty, &saved->mask);
  for (int fd = 0; fd < 3; ++fd) {
    saved->stdio_flags[fd] = fcntl(fd, F_GETFL);
    if (saved->stdio_flags[fd] >= 0 && (saved->stdio_flags[fd] & O_NONBLOCK) != 0) {
      fcntl(fd, F_SETFL, saved->stdio_flags[fd] & ~O_NONBLOCK);
    }
    saved->stdio_fd_flags[fd] = fcntl(fd, F_GETFD);
    if (saved->stdio_fd_flags[fd] >= 0 && (saved->stdio_fd_flags[fd] & FD_CLOEXEC) != 0) {
      fcntl(fd, F_SETFD, saved->stdio_fd_flags[fd] & ~FD_CLOEXEC);
    }
  }
}

void restore_after_failure(const InheritedState* saved) {
  for (int fd = 0; fd < 3; ++fd) {
    if (saved->stdio_flags[fd] >= 0) fcntl(fd, F_SETFL, saved->stdio_flags[fd]);
    if (saved->stdio_fd_flags[fd] >= 0) fcntl(fd, F_SETFD, saved->stdio_fd_flags[fd]);
  }
  pthread_sigmask(SIG_SETMASK, &saved->mask, nullptr);
  sigaction(SIGXFSZ, &saved->xfsz_action, nullptr);
  sigaction(SIGPIPE, &saved->pipe_action, nullptr);
}

}  // namespace

Napi::Value execve_replace(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 3 || !info[0].IsString()) {
    Napi::TypeError::New(env, "execve(path: string, argv: string[], env: string[])").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  if (path.find('\0') != std::string::npos) {
    Napi::TypeError::New(env, "path contains a NUL byte").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<std::string> argv_strings;
  std::vector<std::string> env_strings;
  if (!read_strings(env, info[1], "argv", &argv_strings)) return env.Undefined();
  if (!read_strings(env, info[2], "env", &env_strings)) return env.Undefined();
  std::vector<char*> argv = pointers(&argv_strings);
  std::vector<char*> envp = pointers(&env_strings);

  InheritedState saved;
  reset_for_exec(&saved);
  execve(path.c_str(), argv.data(), envp.data());
  const int err = errno;
  restore_after_failure(&saved);
  return failure(env, "execve", err);
}
