// The addon's functions, one .cc per concern, registered by addon.cc. Thin and synchronous: each
// returns {ok: true, ...} or {ok: false, call, errno} and throws only TypeError for bad argument
// types. Nothing here may need a single-threaded process (Node is not): that runs in the helper.
//
// Written against Node's C API (node_api.h) with no C or C++ library: the one .node file then
// loads under glibc and musl alike (docs/native.md "The addon's runtime"). Every function returns
// nullptr, which JavaScript sees as undefined, once it has thrown.
#ifndef CODEX_SANDBOX_ADDON_EXPORTS_H
#define CODEX_SANDBOX_ADDON_EXPORTS_H

#include <node_api.h>

napi_value landlock_abi(napi_env env, napi_callback_info info);
napi_value seccomp_available(napi_env env, napi_callback_info info);
napi_value execve_replace(napi_env env, napi_callback_info info);

// Whether a Node-API call succeeded. When it did not, an exception is pending afterwards: the
// one the call raised (a throwing getter, say), or an Error naming the failed call.
bool napi_succeeded(napi_env env, napi_status status);

// Throws a TypeError with this message; returns nullptr for the caller to return.
napi_value throw_type_error(napi_env env, const char* message);

// An object {ok: true, ...} built field by field; the first failure is kept, and result()
// returns nullptr then, with the exception pending.
class Result {
 public:
  explicit Result(napi_env env, bool ok = true);
  void set_bool(const char* name, bool value);
  void set_number(const char* name, double value);
  void set_string(const char* name, const char* value);
  napi_value result() const { return failed_ ? nullptr : object_; }

 private:
  void set(const char* name, napi_status created, napi_value value);

  napi_env env_;
  napi_value object_ = nullptr;
  bool failed_ = false;
};

// {ok: false, call, errno}
napi_value failure(napi_env env, const char* call, int err);

#endif
