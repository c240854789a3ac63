use tauri::webview::PageLoadEvent;

fn main() {
    tauri::Builder::default()
        // The benchmark's "first useful paint" for a blank window: its page has loaded.
        .on_page_load(|_webview, payload| {
            if payload.event() == PageLoadEvent::Finished {
                eprintln!("bench: page-loaded");
            }
        })
        .run(tauri::generate_context!())
        .expect("baseline window failed");
}
