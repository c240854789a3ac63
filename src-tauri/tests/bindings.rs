//! Regenerates `ui/src/lib/bindings.ts` from the Rust command declarations.
//! `make test` runs this and then fails if the committed file differs.
#![cfg(feature = "gui")]

#[test]
fn export_typescript_bindings() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    studio_keys::commands::export_bindings(&path).expect("bindings export");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("appInfo"),
        "bindings lack the app_info command"
    );
}
