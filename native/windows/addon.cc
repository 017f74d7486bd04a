// The Windows part of the codex_sandbox addon: synchronous host lookups for the planner's
// WindowsHostView and an elevation probe. Each returns {ok: true, ...} or {ok: false, call, errno}
// and throws only TypeError for bad argument types (docs/native.md#the-addon).
#include <napi.h>

#include <string>

#include "accounts.h"
#include "final-path.h"

namespace {

std::wstring wide_arg(const Napi::CallbackInfo& info) {
  const std::u16string s = info[0].As<Napi::String>().Utf16Value();
  return std::wstring(s.begin(), s.end());
}

bool check_string_arg(const Napi::CallbackInfo& info) {
  if (info.Length() == 1 && info[0].IsString()) return true;
  Napi::TypeError::New(info.Env(), "expected one string argument").ThrowAsJavaScriptException();
  return false;
}

Napi::Object failure(Napi::Env env, const wchar_t* call, DWORD error) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", false);
  const std::wstring c(call);
  out.Set("call", Napi::String::New(env, std::u16string(c.begin(), c.end())));
  out.Set("errno", Napi::Number::New(env, static_cast<double>(error)));
  return out;
}

Napi::Value FinalPath(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!check_string_arg(info)) return env.Undefined();
  std::wstring final_path;
  const wchar_t* call = L"";
  const DWORD err = final_path_of(wide_arg(info), &final_path, &call);
  if (err != 0) return failure(env, call, err);
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", true);
  out.Set("path", Napi::String::New(env, std::u16string(final_path.begin(), final_path.end())));
  return out;
}

Napi::Value PathKind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!check_string_arg(info)) return env.Undefined();
  ::PathKind kind = PATH_KIND_MISSING;
  const DWORD err = path_kind_of(wide_arg(info), &kind);
  if (err != 0) return failure(env, L"GetFileAttributesW", err);
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", true);
  out.Set("kind", kind == PATH_KIND_DIR ? "dir" : kind == PATH_KIND_FILE ? "file" : "missing");
  return out;
}

Napi::Value IsElevated(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("ok", true);
  out.Set("elevated", is_elevated());
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("windowsFinalPath", Napi::Function::New(env, FinalPath));
  exports.Set("windowsPathKind", Napi::Function::New(env, PathKind));
  exports.Set("windowsIsElevated", Napi::Function::New(env, IsElevated));
  return exports;
}

}  // namespace

NODE_API_MODULE(codex_sandbox, Init)
