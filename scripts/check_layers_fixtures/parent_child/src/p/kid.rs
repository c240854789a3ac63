use super::Shared;

pub fn make() -> Shared {
    Shared
}
