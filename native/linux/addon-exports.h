// The addon's functions, one .cc per concern, registered by addon.cc. Thin and synchronous: each
// returns {ok: true, ...} or {ok: false, call, errno} and throws only TypeError for bad argument
// types. Nothing here may need a single-threaded process (Node is not): that runs in the helper.
#ifndef CODEX_SANDBOX_ADDON_EXPORTS_H
#define CODEX_SANDBOX_ADDON_EXPORTS_H

#include <napi.h>

Napi::Value landlock_abi(const Napi::CallbackInfo& info);
Napi::Value seccomp_available(const Napi::CallbackInfo& info);
Napi::Value execve_replace(const Napi::CallbackInfo& info);

// {ok: false, call, errno}
Napi::Object failure(Napi::Env env, const char* call, int err);

#endif
