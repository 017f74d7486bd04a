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
          "sources": ["native/linux/addon.cc"]
        }]
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "<@(hardening_cflags)"]
    },
    {
      "target_name": "codex-sandbox-helper",
      "type": "executable",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/linux/helper.cc"]
        }]
      ],
      "cflags_cc": ["-std=c++17", "-fno-exceptions", "-fno-rtti", "<@(hardening_cflags)"],
      "ldflags": ["-Wl,-z,relro,-z,now", "-pie"]
    }
  ]
}
