pub fn level() -> u8 {
    crate::high::api::LEVEL
}
