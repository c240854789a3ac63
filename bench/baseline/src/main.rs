/// The page's first frame (its script calls this from requestAnimationFrame):
/// the same kind of signal as the app's `ui_painted`, for a like-for-like ratio.
#[tauri::command]
fn painted() {
    eprintln!("bench: first-frame");
}

fn main() {
    // `BASELINE_PAGE=static.html`: the static copy of Studio Keys' first screen
    // (same markup and styles, no script but the frame signal), which
    // `scripts/bench.sh` writes before building this window. Unset: the blank page.
    let page = std::env::var("BASELINE_PAGE").unwrap_or_else(|_| "index.html".into());
    tauri::Builder::default()
        // `Finished` is the page-load reference figure; `Started` marks where navigation began.
        .on_page_load(|webview, payload| {
            eprintln!("bench: page-load {:?}", payload.event());
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                let window = webview.window();
                let _ = window.show();
                let _ = window.set_focus();
            }
        })
        .invoke_handler(tauri::generate_handler![painted])
        // Built here, as Studio Keys builds its window (app.rs), from the same config.
        .setup(move |app| {
            let mut config = app.config().app.windows[0].clone();
            config.url = tauri::WebviewUrl::App(page.into());
            // `BASELINE_SHOW_WHEN_LOADED=1`: hidden until the page has loaded, as
            // Studio Keys' window is (app.rs, `show_when_loaded`).
            let hidden = std::env::var_os("BASELINE_SHOW_WHEN_LOADED").is_some();
            tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                .visible(!hidden)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("baseline window failed");
}
