{
  "variables": {
    "hardening_cflags": [
      "-Wall", "-Wextra", "-Werror",
      "-fstack-protector-strong", "-D_FORTIFY_SOURCE=2", "-O2",
      "-fvisibility=hidden"
    ]
  },
  "targets": [
    {
      "target_name": "codex_sandbox",
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "native/linux/addon.cc",
            "native/linux/addon-execve.cc",
            "native/linux/addon-landlock.cc",
            "native/linux/addon-seccomp.cc"
          ]
        }]
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-fno-exceptions", "-fno-rtti", "<@(hardening_cflags)"]
    },
    {
      "target_name": "codex-sandbox-helper",
      "type": "executable",
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "native/linux/helper-main.cc",
            "native/linux/helper-args.cc",
            "native/linux/helper-die.cc",
            "native/linux/helper-exec.cc",
            "native/linux/helper-landlock.cc",
            "native/linux/helper-probe.cc",
            "native/linux/helper-reaper.cc",
            "native/linux/helper-seccomp.cc"
          ],
          "cflags_cc": ["-fPIE"],
          "ldflags": ["-Wl,-z,relro,-z,now", "-pie"]
        }]
      ],
      "cflags_cc": ["-std=c++17", "-fno-exceptions", "-fno-rtti", "<@(hardening_cflags)"]
    }
  ]
}
