// The app's IPC commands, listed once for build.rs (AppManifest) and checked
// against the registered handlers by a test. Keep sorted.
[
    "app_info",
]
