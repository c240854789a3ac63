//! The Tauri application: plugins, state and the window. The only place besides
//! `commands/` that touches Tauri.

use crate::commands::state::{bench_mode, StartupError};

/// Set on a relaunch after the hand-over to a running instance failed:
/// `retry` tries once more, `off` opens without the single-instance plugin.
const HANDOVER_ENV: &str = "STUDIO_KEYS_HANDOVER";

pub fn run() {
    let handover = std::env::var(HANDOVER_ENV).unwrap_or_default();
    // Ours alone: processes the app starts must not inherit it. Nothing else
    // runs yet, so changing the environment here is safe.
    std::env::remove_var(HANDOVER_ENV);
    #[cfg(target_os = "linux")]
    {
        paint_on_cpu_without_gpu();
        no_javascript_jit();
    }
    sized_runtime();
    match build(handover != "off") {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                // A secret we copied must not outlive the app on the clipboard.
                if let Some(studio) = app.try_state::<crate::services::Studio>() {
                    studio.shutdown();
                }
            }
        }),
        // Another instance owns the single-instance name but did not take our
        // hand-over: it is exiting (a crash, a kill) or hung. Opening is better
        // than a crash: wait a moment and try once more, then open on our own.
        Err(tauri::Error::PluginInitialization(plugin, why)) if plugin == "single-instance" => {
            let next = if handover.is_empty() { "retry" } else { "off" };
            eprintln!("Studio Keys: could not hand over to the running instance ({why}); relaunching ({next})");
            std::thread::sleep(std::time::Duration::from_millis(500));
            relaunch(next);
        }
        Err(e) => panic!("error while building Studio Keys: {e}"),
    }
}

/// Threads that run the app's async work: IPC commands waiting on HTTP, the
/// in-process sandbox's server, timers. That work waits far more than it
/// computes; keychain, file and SQLite calls run on the blocking pool. Tokio's
/// default is one worker per core (16 on a 16-core desktop), each with its stack
/// and its own malloc arena holding freed memory; two keep a busy listing fed.
const ASYNC_WORKERS: usize = 2;

fn sized_runtime() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(ASYNC_WORKERS)
        .thread_name("studio-keys-async")
        .enable_all()
        .build()
        .expect("the async runtime");
    tauri::async_runtime::set(runtime.handle().clone());
    // Tauri keeps only the handle: the runtime lives as long as the process.
    std::mem::forget(runtime);
}

/// WebKitGTK paints with Skia on the GPU when it has OpenGL. Without a GPU (no
/// DRM render node: a virtual machine, a remote desktop, Xvfb) that OpenGL is
/// Mesa's llvmpipe, a GPU emulated on the CPU, and painting through it is slower
/// and holds more memory than Skia painting on the CPU directly (`make bench`'s
/// machine, same build: launch 923 → 790 ms, web process 237 → 199 MB).
///
/// Without a GPU, compositing is off too: with it, the key list's scrolling box
/// (and its rounded corners, and the sticky header) became layers painted
/// apart and put together on the CPU, for every frame. Painted as one page
/// instead (`make bench`'s machine, same build: a warm switch to the 50-key list
/// 162 → 56 ms from key event to frame, launch 1132 → 745 ms, idle PSS
/// 312 → 236 MB). With a GPU nothing changes; a value set by the user wins. Set
/// before GTK starts, while no other thread runs.
#[cfg(target_os = "linux")]
fn paint_on_cpu_without_gpu() {
    let gpu = std::fs::read_dir("/dev/dri").is_ok_and(|mut nodes| {
        nodes.any(|n| n.is_ok_and(|n| n.file_name().to_string_lossy().starts_with("renderD")))
    });
    if !gpu {
        default_env("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
        default_env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// The page's JavaScript runs in JavaScriptCore's interpreter, without its JIT
/// compilers: the UI's script is small and event-driven (a list of at most a
/// few hundred keys, drawn 20 rows at a time), so the JIT earns nothing here,
/// while its compiled code and profiling data cost the web process ~15 MB
/// (`make bench`: web process 200 → 186 MB, launch and region switches
/// unchanged within the noise). A process that shows one-time secrets also
/// gives up the JIT's attack surface, as Apple's Lockdown Mode does. A value
/// set by the user wins. Set before GTK starts, while no other thread runs.
#[cfg(target_os = "linux")]
fn no_javascript_jit() {
    default_env("JSC_useJIT", "false");
}

/// Sets a variable the web process reads, unless the user set it.
#[cfg(target_os = "linux")]
fn default_env(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        std::env::set_var(name, value);
    }
}

/// Replaces this process by a fresh start of itself (same pid, so whatever
/// waits on it, a WebDriver included, keeps following the app).
#[cfg(unix)]
fn relaunch(handover: &str) -> ! {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let exe = std::env::current_exe().expect("the path of the running executable");
    let err = std::process::Command::new(exe)
        .arg0(args.next().unwrap_or_default())
        .args(args)
        .env(HANDOVER_ENV, handover)
        .exec();
    panic!("could not relaunch Studio Keys: {err}");
}

#[cfg(not(unix))]
fn relaunch(handover: &str) -> ! {
    let exe = std::env::current_exe().expect("the path of the running executable");
    if let Err(err) = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(HANDOVER_ENV, handover)
        .spawn()
    {
        panic!("could not relaunch Studio Keys: {err}");
    }
    std::process::exit(0);
}

/// The webview only ever shows the app: every navigation and every new window
/// outside the app's own origin is refused (CSP does not stop `location = …`).
/// The window is built here rather than from the config so that both guards
/// are in place before the page loads.
fn open_main_window(app: &mut tauri::App) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .unwrap_or_default();
    let window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_navigation(|url| {
            let ok = is_app_origin(url);
            if !ok {
                log::warn!("navigation refused: {}", url.origin().ascii_serialization());
            }
            ok
        })
        .on_new_window(|url, _| {
            log::warn!("new window refused: {}", url.origin().ascii_serialization());
            tauri::webview::NewWindowResponse::Deny
        })
        .visible(false)
        .build()?;
    show_when_loaded(&window);
    #[cfg(target_os = "linux")]
    window.with_webview(|webview| configure_webkit(&webview.inner()))?;
    Ok(())
}

/// The window is shown once its page has loaded (`on_page_load` in `build`),
/// not before. WebKitGTK painting without compositing (no GPU, see
/// `paint_on_cpu_without_gpu`) blocks the window's thread for up to 500 ms
/// when GTK draws the view before the web process has sent its first
/// frame, and the page's own files, served by this thread, wait behind it:
/// shown at once, one launch in two (blank window, same settings) painted at
/// ~790 ms instead of ~290 ms; shown after load, 8 launches in 8 at ~285 ms.
/// A page that never reports its load is shown after two seconds all the same.
/// Only the first load shows and focuses it: a later one leaves it as it is,
/// and so does the fallback once the page has shown it.
static SHOWN_BY_LOAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn show_when_loaded(window: &tauri::WebviewWindow) {
    let window = window.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        if !SHOWN_BY_LOAD.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = window.show();
        }
    });
}

/// Nothing is kept in the webview (secrets live in the keychain, settings in
/// Rust), so its local storage, Web SQL databases and offline application
/// cache are off: nothing can be left there by a bug or a dependency (WebKit
/// has no switch for IndexedDB; the app never opens one). Measured, this moves no figure (idle
/// PSS 312.1 MB before, 312.4 MB after, in the noise); the document-viewer cache
/// model, WebGL and media off were tried too, moved nothing either, and are not set.
#[cfg(target_os = "linux")]
fn configure_webkit(view: &webkit2gtk::WebView) {
    use webkit2gtk::{SettingsExt, WebViewExt};
    if let Some(settings) = WebViewExt::settings(view) {
        settings.set_enable_html5_local_storage(false);
        settings.set_enable_html5_database(false);
        settings.set_enable_offline_web_application_cache(false);
    }
}

/// The app's own pages: `tauri://localhost` (Linux, macOS) or
/// `http(s)://tauri.localhost` (Windows), whatever the path. Each platform
/// accepts only its own: elsewhere `tauri.localhost` is just a name that
/// something else could answer for.
fn is_app_origin(url: &url::Url) -> bool {
    is_app_origin_on(url, cfg!(windows))
}

fn is_app_origin_on(url: &url::Url, windows: bool) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => !windows,
        ("http" | "https", Some("tauri.localhost")) => windows && url.port().is_none(),
        _ => false,
    }
}

fn build(single_instance: bool) -> tauri::Result<tauri::App> {
    let builder = crate::commands::specta_builder();
    let mut app = tauri::Builder::default();
    if single_instance {
        app = app.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            crate::tray::show_window(app)
        }));
    }
    app.plugin(
        tauri_plugin_log::Builder::new()
            .level(crate::domain::redact::LOG_LEVEL)
            // Secrets cannot be formatted (see `Secret`); this masks anything key-shaped
            // that still reaches a message, e.g. a server echoing a value back.
            .format(|out, message, record| {
                out.finish(format_args!(
                    "{}",
                    crate::domain::redact::log_line(record.level(), &message.to_string())
                ))
            })
            .target(tauri_plugin_log::Target::new(
                tauri_plugin_log::TargetKind::LogDir { file_name: None },
            ))
            .target(tauri_plugin_log::Target::new(
                tauri_plugin_log::TargetKind::Stderr,
            ))
            .build(),
    )
    // Size, place and maximised are restored; whether the window is shown is
    // not: the window is shown when its page has loaded (see `show_when_loaded`).
    .plugin(
        tauri_plugin_window_state::Builder::default()
            .with_state_flags(
                tauri_plugin_window_state::StateFlags::all()
                    - tauri_plugin_window_state::StateFlags::VISIBLE,
            )
            .build(),
    )
    .plugin(tauri_plugin_clipboard_manager::init())
    .plugin(tauri_plugin_dialog::init())
    .plugin(tauri_plugin_notification::init())
    // Checks only when asked (the UI asks once after its first paint, and from
    // Settings); see updates.rs.
    .plugin(tauri_plugin_updater::Builder::new().build())
    .manage(crate::updates::Updates::default())
    .invoke_handler(builder.invoke_handler())
    // `make bench` reads these lines for its launch timeline.
    .on_page_load(|webview, payload| {
        if bench_mode() {
            log::info!("bench: page-load {:?}", payload.event());
        }
        if payload.event() == tauri::webview::PageLoadEvent::Finished
            && !SHOWN_BY_LOAD.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            // Shown and focused as a window opened shown is (tao presents it),
            // so keys typed at once go to the page.
            let window = webview.window();
            let _ = window.show();
            let _ = window.set_focus();
        }
    })
    .setup(move |app| {
        use tauri::Manager;
        builder.mount_events(app);
        open_main_window(app)?;
        // Settings, keychain and clipboard; the sandbox starts on first use.
        match open_studio() {
            Ok(studio) => {
                if let Ok(settings) = studio.profiles().app_settings() {
                    crate::services::profiles::apply_lang(settings.lang);
                }
                // A copied key is cleared on a crash or SIGINT/SIGTERM too; a
                // signal then quits through the normal path (which clears again).
                let handle = app.handle().clone();
                crate::storage::clipboard::clear_on_abnormal_exit(
                    studio.clipboard(),
                    Some(Box::new(move |status| handle.exit(status))),
                );
                crate::tray::start(app.handle(), studio.clone());
                remind_reviews(app.handle().clone(), studio.clone());
                announce_spend(app.handle().clone(), studio.clone());
                // While the page loads: the first list then finds its client ready.
                let warming = studio.clone();
                tauri::async_runtime::spawn(async move { warming.warm_up().await });
                app.manage(studio);
            }
            // Still open the window: `app_info` reports this error, and the UI
            // shows it in plain words with its details instead of vanishing.
            Err(e) => {
                log::error!("Studio Keys could not open its settings: {e}");
                app.manage(StartupError(e.into()));
            }
        }
        if bench_mode() {
            log::info!("bench: setup-done");
        }
        Ok(())
    })
    .build(context())
}

/// The app's core on the system keychain and clipboard. Test builds
/// (`fault-injection`) can make one region of the embedded sandbox fail, so
/// e2e can show the all-regions list with a region down.
fn open_studio() -> crate::domain::error::Result<crate::services::Studio> {
    let dirs = crate::services::Dirs::from_env();
    #[cfg(feature = "fault-injection")]
    if let Some(region) = std::env::var("STUDIO_KEYS_SANDBOX_FAIL_REGION")
        .ok()
        .and_then(|r| r.parse().ok())
    {
        return crate::services::Studio::with_sandbox_faults(
            dirs,
            crate::storage::clipboard::SecretClipboard::system(),
            crate::sandbox::FaultConfig {
                fail_region: Some(region),
                ..Default::default()
            },
        );
    }
    crate::services::Studio::open(dirs)
}

/// The app's context. `make bench`'s builds (the `bench-snapshot` feature)
/// add one capability, resolved at compile time like the others: the window
/// may hand over a copy of its page. (Adding it at run time would link
/// Tauri's runtime capability resolution, 1.6 MB of the release binary.)
/// The path is from the workspace root, where cargo runs the compiler.
#[cfg(feature = "bench-snapshot")]
fn context() -> tauri::Context {
    tauri::generate_context!(capabilities = ["src-tauri/capabilities-bench/bench-snapshot.json"])
}

#[cfg(not(feature = "bench-snapshot"))]
fn context() -> tauri::Context {
    tauri::generate_context!()
}

/// How often the running app looks for keys whose review date has come (a
/// date passes midnight while the app stays open).
const REVIEW_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(30 * 60);
/// The first look waits for the window: the reminder is not launch work.
const REVIEW_FIRST_CHECK_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

/// Remind through an OS notification of keys whose review date has come,
/// each key once a day; nothing about the key changes.
fn remind_reviews(app: tauri::AppHandle, studio: crate::services::Studio) {
    use tauri_plugin_notification::NotificationExt;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(REVIEW_FIRST_CHECK_AFTER).await;
        loop {
            match studio.review_reminder().await {
                Ok(Some(reminder)) => {
                    let shown = app
                        .notification()
                        .builder()
                        .title(reminder.title)
                        .body(reminder.body)
                        .show();
                    // Marked only once shown: a failure is tried again next time.
                    match shown {
                        Ok(()) => {
                            if let Err(e) = studio.review_reminded(reminder.keys).await {
                                log::warn!("review reminder not recorded: {}", e.code);
                            }
                        }
                        Err(e) => log::warn!("review reminder not shown: {e}"),
                    }
                }
                Ok(None) => {}
                Err(e) => log::warn!("review dates unreadable: {}", e.code),
            }
            // Rotations whose grace period has ended: deleting the old key
            // is offered, once, the same way.
            if let Ok(Some((title, body, ids))) = studio.rotation_reminder().await {
                match app.notification().builder().title(title).body(body).show() {
                    Ok(()) => {
                        if let Err(e) = studio.rotations_reminded(ids).await {
                            log::warn!("rotation reminder not recorded: {}", e.code);
                        }
                    }
                    Err(e) => log::warn!("rotation reminder not shown: {e}"),
                }
            }
            tokio::time::sleep(REVIEW_CHECK_EVERY).await;
        }
    });
}

/// How often the running app compares each workspace's spend this month
/// with its amount (`services::costs::alerts`).
const SPEND_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Announce through an OS notification a workspace past 80 % or 100 % of
/// its monthly amount, each threshold once a month.
fn announce_spend(app: tauri::AppHandle, studio: crate::services::Studio) {
    use tauri_plugin_notification::NotificationExt;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(REVIEW_FIRST_CHECK_AFTER).await;
        loop {
            match studio.spend_notices().await {
                Ok(notices) => {
                    for notice in notices {
                        let shown = app
                            .notification()
                            .builder()
                            .title(&notice.title)
                            .body(&notice.body)
                            .show();
                        // Marked only once shown: a failure is tried again next time.
                        match shown {
                            Ok(()) => {
                                if let Err(e) = studio.spend_announced(&notice).await {
                                    log::warn!("spend alert not recorded: {}", e.code);
                                }
                            }
                            Err(e) => log::warn!("spend alert not shown: {e}"),
                        }
                    }
                }
                Err(e) => log::warn!("spend alerts not checked: {}", e.code),
            }
            tokio::time::sleep(SPEND_CHECK_EVERY).await;
        }
    });
}

#[cfg(test)]
mod origin_tests {
    use super::is_app_origin_on;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn each_platform_accepts_its_own_origin_only() {
        assert!(is_app_origin_on(
            &url("tauri://localhost/index.html"),
            false
        ));
        assert!(!is_app_origin_on(&url("http://tauri.localhost/"), false));
        assert!(!is_app_origin_on(&url("https://tauri.localhost/"), false));
        assert!(is_app_origin_on(&url("http://tauri.localhost/x"), true));
        assert!(is_app_origin_on(&url("https://tauri.localhost/"), true));
        assert!(!is_app_origin_on(
            &url("http://tauri.localhost:8080/"),
            true
        ));
        assert!(!is_app_origin_on(&url("tauri://localhost/"), true));
        for foreign in [
            "https://example.com/",
            "http://localhost/",
            "http://127.0.0.1/",
            "https://tauri.localhost.evil.io/",
            "file:///etc/passwd",
        ] {
            assert!(!is_app_origin_on(&url(foreign), false), "{foreign}");
            assert!(!is_app_origin_on(&url(foreign), true), "{foreign}");
        }
    }
}
