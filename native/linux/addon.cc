// Registers the addon's exports (the functions live in one file per concern) and holds the
// Node-API plumbing they share: the error checks and the result objects.
#include "../common/native-abi.h"
#include "addon-exports.h"
#include "addon-runtime.h"
#include "helper-die.h"

bool napi_succeeded(napi_env env, napi_status status) {
  if (status == napi_ok) return true;
  // Asked first: every other call resets the last error.
  const napi_extended_error_info* info = nullptr;
  const char* message = napi_get_last_error_info(env, &info) == napi_ok ? info->error_message : nullptr;
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) return false;
  napi_throw_error(env, nullptr, message != nullptr ? message : "a Node-API call failed");
  return false;
}

napi_value throw_type_error(napi_env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
  return nullptr;
}

Result::Result(napi_env env, bool ok) : env_(env) {
  failed_ = !napi_succeeded(env, napi_create_object(env, &object_));
  set_bool("ok", ok);
}

// `created` is the status of the call that made `value`, already made: arguments are evaluated
// in no fixed order, so the call cannot be an argument beside the value it writes.
void Result::set(const char* name, napi_status created, napi_value value) {
  failed_ = !napi_succeeded(env_, created) || !napi_succeeded(env_, napi_set_named_property(env_, object_, name, value));
}

void Result::set_bool(const char* name, bool value) {
  if (failed_) return;
  napi_value v = nullptr;
  const napi_status created = napi_get_boolean(env_, value, &v);
  set(name, created, v);
}

void Result::set_number(const char* name, double value) {
  if (failed_) return;
  napi_value v = nullptr;
  const napi_status created = napi_create_double(env_, value, &v);
  set(name, created, v);
}

void Result::set_string(const char* name, const char* value) {
  if (failed_) return;
  napi_value v = nullptr;
  const napi_status created = napi_create_string_utf8(env_, value, NAPI_AUTO_LENGTH, &v);
  set(name, created, v);
}

napi_value failure(napi_env env, const char* call, int err) {
  Result r(env, false);
  r.set_string("call", call);
  r.set_number("errno", err);
  return r.result();
}

// napi_register_module_v1, the addon's one entry point (exported with the Node-API version it
// was built for). Node calls it in every thread, main or worker, that loads the addon.
NAPI_MODULE_INIT() {
  if (const int err = stack_guard_error()) {
    Line line = {};
    line_add(&line, "codex-sandbox addon: getrandom for the stack protector");
    line_add_errno(&line, err);
    napi_throw_error(env, nullptr, line_c_str(&line));
    return nullptr;
  }
  const struct {
    const char* name;
    napi_callback function;
  } functions[] = {{"landlockAbi", landlock_abi}, {"seccompAvailable", seccomp_available}, {"execve", execve_replace}};
  for (const auto& f : functions) {
    napi_value value = nullptr;
    if (!napi_succeeded(env, napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.function, nullptr, &value)) ||
        !napi_succeeded(env, napi_set_named_property(env, exports, f.name, value))) {
      return nullptr;
    }
  }
  napi_value native_abi = nullptr;
  if (!napi_succeeded(env, napi_create_double(env, CODEX_SANDBOX_NATIVE_ABI, &native_abi)) ||
      !napi_succeeded(env, napi_set_named_property(env, exports, "nativeAbi", native_abi))) {
    return nullptr;
  }
  return exports;
}
