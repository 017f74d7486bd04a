// The version of the interface between lib/ and the native parts: the addon's exports and the
// helper's command line. lib/native.ts (NATIVE_ABI) refuses a build whose version differs, so a
// stale build left from an older checkout or install is named as such instead of misbehaving.
// Bump both together whenever an older build would misread what lib/ sends it.
#ifndef CODEX_SANDBOX_NATIVE_ABI_H
#define CODEX_SANDBOX_NATIVE_ABI_H

#define CODEX_SANDBOX_NATIVE_ABI 2
// The helper carries this string; lib/native.ts looks for it in the file, without running it.
#define CODEX_SANDBOX_NATIVE_ABI_MARKER "codex-sandbox-native-abi=2;"

#endif
