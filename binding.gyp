{
  "variables": {
    # Both targets. Neither links a C library nor includes one's headers (docs/native.md), so
    # there is no -D_FORTIFY_SOURCE: it only adds checks inside glibc's headers.
    "hardening_cflags": [
      "-Wall", "-Wextra",
      "-fstack-protector-strong", "-O2",
      "-fvisibility=hidden"
    ],
    # Warnings are errors in our own builds only: a checkout (lib/index.ts is not in the
    # package) and scripts/prebuild.js (CODEX_SANDBOX_WERROR=1). A consumer's source build must
    # not fail because a newer compiler warns about something new.
    "werror%": "<!(node -p \"+(require('fs').existsSync('lib/index.ts') || process.env.CODEX_SANDBOX_WERROR === '1')\")"
  },
  "target_defaults": {
    "conditions": [["werror==1", {"cflags_cc": ["-Werror"]}]]
  },
  "targets": [
    {
      "target_name": "codex_sandbox",
      "conditions": [
        # macOS has no native part (Seatbelt runs through /usr/bin/sandbox-exec): build nothing there rather than fail the install.
        ["OS=='mac'", {"type": "none"}],
        ["OS=='linux'", {
          "sources": [
            "native/linux/addon.cc",
            "native/linux/addon-execve.cc",
            "native/linux/addon-landlock.cc",
            "native/linux/addon-seccomp.cc",
            "native/linux/addon-runtime.cc",
            "native/linux/helper-sys.cc",
            "native/linux/helper-die.cc",
            "native/linux/helper-errno.cc"
          ],
          # No C or C++ library (docs/native.md "The addon's runtime"), so one file loads under
          # glibc and musl: only Node's C API (node_api.h, from the headers node-gyp fetches) and
          # the helper's runtime layer. The flags are the helper's, for the same reasons; the
          # guard is addon-runtime.cc's. The .node then needs no shared library, no symbol
          # version, and no symbol but napi_* (which the node executable exports on both C
          # libraries); --gc-sections drops the helper functions the addon does not call.
          "cflags_cc": ["-ffreestanding", "-fno-tree-loop-distribute-patterns", "-mstack-protector-guard=global", "-ffunction-sections", "-fdata-sections"],
          "ldflags": ["-nostdlib", "-Wl,--gc-sections", "-Wl,-z,relro,-z,now"]
        }],
        ["OS=='win'", {
          "sources": ["native/windows/addon.cc", "native/windows/final-path.cc", "native/windows/accounts.cc", "native/windows/sid.cc", "native/windows/win-error.cc"],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
          "defines": ["UNICODE", "_UNICODE", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
          "libraries": ["advapi32.lib", "netapi32.lib"]
        }]
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-fno-exceptions", "-fno-rtti", "<@(hardening_cflags)"]
    },
    {
      "target_name": "codex-sandbox-helper",
      "type": "executable",
      "conditions": [
        ["OS=='mac'", {"type": "none"}],
        ["OS=='linux'", {
          "sources": [
            "native/linux/helper-start.cc",
            "native/linux/helper-sys.cc",
            "native/linux/helper-errno.cc",
            "native/linux/helper-main.cc",
            "native/linux/helper-args.cc",
            "native/linux/helper-caps.cc",
            "native/linux/helper-die.cc",
            "native/linux/helper-exec.cc",
            "native/linux/helper-landlock.cc",
            "native/linux/helper-mounts.cc",
            "native/linux/helper-namespaces.cc",
            "native/linux/helper-probe.cc",
            "native/linux/helper-procsys.cc",
            "native/linux/helper-reaper.cc",
            "native/linux/helper-relay.cc",
            "native/linux/helper-seccomp.cc"
          ],
          # No C library (docs/native.md "The helper's runtime layer"): -ffreestanding keeps glibc's
          # headers out; -fno-tree-loop-distribute-patterns stops GCC from turning the loops in
          # helper-sys.cc's memset and memcpy into calls to themselves; the stack protector's
          # guard is a global that helper-start.cc fills from AT_RANDOM, since there is no
          # thread-local storage to hold it. helper-start.cc applies the static PIE's own
          # relocations and then makes RELRO read-only.
          "cflags_cc": ["-fPIE", "-ffreestanding", "-fno-tree-loop-distribute-patterns", "-mstack-protector-guard=global"],
          "ldflags": ["-nostdlib", "-static-pie", "-Wl,-z,relro,-z,now"]
        }],
        ["OS=='win'", {
          "sources": [
            "native/windows/runner-main.cc",
            "native/windows/runner-config.cc",
            "native/windows/request.cc",
            "native/windows/acl.cc",
            "native/windows/sid.cc",
            "native/windows/restricted-token.cc",
            "native/windows/job.cc",
            "native/windows/launch.cc",
            "native/windows/logon-launch.cc",
            "native/windows/secrets.cc",
            "native/windows/denybin.cc",
            "native/windows/file-write.cc",
            "native/windows/world-writable-audit.cc",
            "native/windows/win-error.cc"
          ],
          "defines": ["UNICODE", "_UNICODE"],
          "libraries": ["advapi32.lib", "bcrypt.lib", "crypt32.lib"],
          "msvs_settings": {"VCLinkerTool": {"SubSystem": 1}}
        }]
      ],
      "cflags_cc": ["-std=c++17", "-fno-exceptions", "-fno-rtti", "<@(hardening_cflags)"]
    }
  ],
  "conditions": [
    ["OS=='win'", {
      "targets": [
        {
          "target_name": "codex-sandbox-setup",
          "type": "executable",
          "sources": [
            "native/windows/setup-main.cc",
            "native/windows/setup-config.cc",
            "native/windows/uninstall.cc",
            "native/windows/accounts.cc",
            "native/windows/firewall.cc",
            "native/windows/acl.cc",
            "native/windows/sid.cc",
            "native/windows/secrets.cc",
            "native/windows/request.cc",
            "native/windows/file-write.cc",
            "native/windows/win-error.cc"
          ],
          "defines": ["UNICODE", "_UNICODE"],
          "libraries": ["advapi32.lib", "netapi32.lib", "ole32.lib", "oleaut32.lib", "bcrypt.lib", "crypt32.lib", "wtsapi32.lib"],
          "msvs_settings": {"VCLinkerTool": {"SubSystem": 1}}
        }
      ]
    }]
  ]
}
