// Registers the addon's exports; the functions live in one file per concern.
#include <napi.h>

#include "../common/native-abi.h"
#include "addon-exports.h"

Napi::Object failure(Napi::Env env, const char* call, int err) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", Napi::Boolean::New(env, false));
  result.Set("call", Napi::String::New(env, call));
  result.Set("errno", Napi::Number::New(env, err));
  return result;
}

static Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("landlockAbi", Napi::Function::New(env, landlock_abi, "landlockAbi"));
  exports.Set("seccompAvailable", Napi::Function::New(env, seccomp_available, "seccompAvailable"));
  exports.Set("execve", Napi::Function::New(env, execve_replace, "execve"));
  exports.Set("nativeAbi", Napi::Number::New(env, CODEX_SANDBOX_NATIVE_ABI));
  return exports;
}

NODE_API_MODULE(codex_sandbox, init)
