fn main() {
    std::process::exit(studio_keys::cli::main());
}
