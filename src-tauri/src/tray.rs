//! The tray icon (the menu bar on macOS): a saved key in the clipboard in two
//! clicks, without opening the window. The menu is `services::tray`'s model
//! (labels, ids, what a click asks for), drawn with Tauri's menu API and
//! drawn again when the model changes: a key saved or forgotten in the window
//! or by `skm`, another profile, another language, another region shown. The
//! saved-key index is read every second, the keychain only on Copy, through
//! the window's own copies (`Studio::tray_copy`).
//!
//! The region switcher and the window follow each other through two events:
//! the window says what it shows (`WINDOW_SHOWS`, from `ui/src/lib/ipc.ts`),
//! and a choice in the tray tells the window to switch (`SHOW_REGION`).
//!
//! Linux: the tray needs libayatana-appindicator3 (or libappindicator3) at
//! run time. Its binding panics when neither loads, and release builds abort
//! on panic, so the same names are probed with `dlopen` first; without them
//! the app runs without a tray and Settings says why (`TrayState`).

use crate::services::tray::{ShownRegion, TrayAction, TrayMenu};
use crate::services::Studio;
use std::sync::Mutex;
use std::time::Duration;
use tauri::menu::{CheckMenuItem, Menu, MenuBuilder, MenuItem, SubmenuBuilder};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Listener, Manager, Wry};

/// How often the menu's model is read again: changes show within two seconds.
const REFRESH_EVERY: Duration = Duration::from_secs(1);

/// The window's word for what it shows now: `"all"` or a region's code.
const WINDOW_SHOWS: &str = "region-shown";
/// The tray's word to the window: show this region (or `"all"`).
const SHOW_REGION: &str = "tray-show-region";

/// Why there is no tray, for Settings (`app_info`), and what the window shows.
#[derive(Default)]
pub struct TrayState {
    unavailable: Mutex<Option<String>>,
    shown: Mutex<Option<ShownRegion>>,
}

impl TrayState {
    fn shown(&self) -> Option<ShownRegion> {
        *self.shown.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_shown(&self, shown: ShownRegion) {
        *self.shown.lock().unwrap_or_else(|p| p.into_inner()) = Some(shown);
    }

    /// `None` while the tray is shown; otherwise what is missing.
    pub fn unavailable(&self) -> Option<String> {
        self.unavailable
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_unavailable(&self, why: String) {
        log::warn!("no tray: {why}");
        *self.unavailable.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
    }
}

/// Show the tray and keep its menu current. Without the library a tray
/// needs, the app goes on without one.
pub fn start(app: &AppHandle, studio: Studio) {
    app.manage(TrayState::default());
    if let Some(missing) = missing_library() {
        app.state::<TrayState>().set_unavailable(missing);
        return;
    }
    let tray = match TrayIconBuilder::with_id("studio-keys")
        .tooltip("Studio Keys")
        .icon(
            app.default_window_icon()
                .cloned()
                .unwrap_or_else(|| tauri::image::Image::new_owned(vec![0; 4], 1, 1)),
        )
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
        .build(app)
    {
        Ok(tray) => tray,
        Err(e) => {
            app.state::<TrayState>().set_unavailable(e.to_string());
            return;
        }
    };
    let listener = app.clone();
    app.listen_any(WINDOW_SHOWS, move |event| {
        // The window's own word; anything else is not a region and is ignored.
        let said: Option<String> = serde_json::from_str(event.payload()).ok();
        if let Some(shown) = said.and_then(|s| s.parse().ok()) {
            listener.state::<TrayState>().set_shown(shown);
        }
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut drawn: Option<Drawn> = None;
        loop {
            let window_shows = app.state::<TrayState>().shown();
            let model = match studio.tray_menu(window_shows).await {
                Ok(model) => Some(model),
                Err(e) => {
                    log::debug!("tray menu not read: {}", e.code);
                    // Open and Quit at least, until the keys can be read
                    // (no profile yet, unreadable settings).
                    drawn.is_none().then(|| {
                        crate::services::tray::menu_of(
                            &[],
                            None,
                            window_shows.unwrap_or(ShownRegion::All),
                            crate::domain::i18n::current(),
                        )
                    })
                }
            };
            if let Some(model) = model {
                if let Err(e) = show(&app, &tray, model, &mut drawn) {
                    log::warn!("tray menu not drawn: {e}");
                }
            }
            tokio::time::sleep(REFRESH_EVERY).await;
        }
    });
}

/// The menu on screen: its model, and the countdown item whose text changes
/// each second without drawing the menu again (a menu drawn again closes
/// under the person's pointer and renumbers its items).
struct Drawn {
    model: TrayMenu,
    countdown: Option<MenuItem<Wry>>,
    /// The switcher's choices: a click checks its item by itself, even one
    /// the window then refuses, so each is set back to the model's word.
    choices: Vec<CheckMenuItem<Wry>>,
}

/// The model with its countdown's text left out: what decides a new drawing.
fn shape(model: &TrayMenu) -> TrayMenu {
    TrayMenu {
        clears_in: model.clears_in.as_ref().map(|_| String::new()),
        ..model.clone()
    }
}

fn show(
    app: &AppHandle,
    tray: &TrayIcon,
    model: TrayMenu,
    drawn: &mut Option<Drawn>,
) -> tauri::Result<()> {
    if let Some(d) = drawn.as_mut().filter(|d| shape(&d.model) == shape(&model)) {
        if let (Some(item), Some(text)) = (&d.countdown, &model.clears_in) {
            if d.model.clears_in.as_ref() != Some(text) {
                item.set_text(menu_text(text))?;
            }
        }
        for (item, choice) in d.choices.iter().zip(&model.switcher.choices) {
            if item.is_checked()? != choice.checked {
                item.set_checked(choice.checked)?;
            }
        }
        d.model = model;
        return Ok(());
    }
    let drawing = draw(app, &model)?;
    tray.set_menu(Some(drawing.menu))?;
    *drawn = Some(Drawn {
        model,
        countdown: drawing.countdown,
        choices: drawing.choices,
    });
    Ok(())
}

fn on_menu(app: &AppHandle, id: &str) {
    match TrayAction::parse(id) {
        Some(TrayAction::Open) => show_window(app),
        Some(TrayAction::Quit) => app.exit(0),
        Some(TrayAction::Show(shown)) => {
            // GTK checks the clicked item itself; the model follows here and
            // the other items are unchecked at the next refresh (the menu has
            // closed by then). The window switches (and remembers the region,
            // as its own switch does) or, busy with a dialog, says what it
            // still shows and the check moves back.
            app.state::<TrayState>().set_shown(shown);
            if let Err(e) = app.emit_to("main", SHOW_REGION, shown.as_str()) {
                log::warn!("the window was not told to switch: {e}");
            }
        }
        Some(TrayAction::Copy {
            region,
            api_key_id,
            env_line,
        }) => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let Some(studio) = app.try_state::<Studio>() else {
                    return;
                };
                if let Err(e) = studio.tray_copy(region, api_key_id, env_line).await {
                    // The window may be closed: the OS says it.
                    use tauri_plugin_notification::NotificationExt;
                    let shown = app
                        .notification()
                        .builder()
                        .title("Studio Keys")
                        .body(e.message())
                        .show();
                    if let Err(n) = shown {
                        log::warn!("tray copy refused ({}), and not told: {n}", e.code);
                    }
                }
            });
        }
        None => {}
    }
}

/// The window, shown and focused (it may be hidden or minimised).
pub fn show_window(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// A label as the menu shows it: the menu API reads `&` as a mnemonic mark
/// (`_` it escapes itself), so a description's `R&D` would lose its `&`.
fn menu_text(label: &str) -> String {
    label.replace('&', "&&")
}

/// A drawn menu and the items that change without drawing it again.
struct Drawing {
    menu: Menu<Wry>,
    countdown: Option<MenuItem<Wry>>,
    choices: Vec<CheckMenuItem<Wry>>,
}

fn draw(app: &AppHandle, model: &TrayMenu) -> tauri::Result<Drawing> {
    let item = |id: &str, label: &str, enabled: bool| {
        MenuItem::with_id(app, id, menu_text(label), enabled, None::<&str>)
    };
    let mut menu = MenuBuilder::new(app);
    let countdown = match &model.clears_in {
        Some(clears_in) => Some(item("clears-in", clears_in, false)?),
        None => None,
    };
    if let Some(countdown) = &countdown {
        menu = menu.item(countdown).separator();
    }
    if let Some(empty) = &model.empty {
        menu = menu.item(&item("none", empty, false)?);
    }
    for (n, region) in model.regions.iter().enumerate() {
        // Region headings do nothing; a key opens its two copies.
        menu = menu.item(&item(&format!("heading:{n}"), &region.label, false)?);
        for key in &region.keys {
            let copies = SubmenuBuilder::new(app, menu_text(&key.label))
                .item(&item(&key.copy.id, &key.copy.label, true)?)
                .item(&item(&key.copy_env.id, &key.copy_env.label, true)?)
                .build()?;
            menu = menu.item(&copies);
        }
        if let Some(more) = &region.more {
            menu = menu.item(&item(&more.id, &more.label, true)?);
        }
        menu = menu.separator();
    }
    let mut switcher = SubmenuBuilder::new(app, menu_text(&model.switcher.label));
    let mut choices = Vec::new();
    for choice in &model.switcher.choices {
        let text = menu_text(&choice.item.label);
        let check = CheckMenuItem::with_id(
            app,
            &choice.item.id,
            text,
            true,
            choice.checked,
            None::<&str>,
        )?;
        switcher = switcher.item(&check);
        choices.push(check);
    }
    let menu = menu
        .item(&switcher.build()?)
        .separator()
        .item(&item(&model.open.id, &model.open.label, true)?)
        .item(&item(&model.quit.id, &model.quit.label, true)?)
        .build()?;
    Ok(Drawing {
        menu,
        countdown,
        choices,
    })
}

/// Linux: the library the tray binding loads, by the names it tries. A test
/// build can play a computer without it (`STUDIO_KEYS_TEST_NO_TRAY_LIBRARY`).
#[cfg(target_os = "linux")]
fn missing_library() -> Option<String> {
    const NAMES: [&str; 4] = [
        "libayatana-appindicator3.so.1",
        "libappindicator3.so.1",
        "libayatana-appindicator3.so",
        "libappindicator3.so",
    ];
    let missing = || Some(format!("none of {} could be loaded", NAMES.join(", ")));
    #[cfg(feature = "fault-injection")]
    if std::env::var_os("STUDIO_KEYS_TEST_NO_TRAY_LIBRARY").is_some() {
        return missing();
    }
    for name in NAMES {
        let name = std::ffi::CString::new(name).ok()?;
        // SAFETY: a valid C string; the handle is closed at once (the tray
        // binding opens the library again itself).
        let handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_LAZY | libc::RTLD_LOCAL) };
        if !handle.is_null() {
            unsafe { libc::dlclose(handle) };
            return None;
        }
    }
    missing()
}

#[cfg(not(target_os = "linux"))]
fn missing_library() -> Option<String> {
    None
}
