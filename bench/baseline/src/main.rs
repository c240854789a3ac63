/// The page's first frame (its script calls this from requestAnimationFrame):
/// the same kind of signal as the app's `ui_painted`, for a like-for-like ratio.
#[tauri::command]
fn painted() {
    eprintln!("bench: first-frame");
}

fn main() {
    tauri::Builder::default()
        // The benchmark's floor for "first useful paint" as the issue defines it:
        // the page has loaded (`Finished`). `Started` marks where navigation began.
        .on_page_load(|_webview, payload| {
            eprintln!("bench: page-load {:?}", payload.event());
        })
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("baseline window failed");
}
