// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    studio_keys::hardening::harden_release_build();
    studio_keys::app::run();
}
