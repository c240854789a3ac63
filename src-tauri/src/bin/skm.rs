fn main() {
    studio_keys::hardening::harden_release_build();
    std::process::exit(studio_keys::cli::main());
}
