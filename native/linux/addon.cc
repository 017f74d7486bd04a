// Placeholder registration; the Linux enforcement issue fills in the probes.
#include <napi.h>

static Napi::Object Init(Napi::Env env, Napi::Object exports) { return exports; }

NODE_API_MODULE(codex_sandbox, Init)
