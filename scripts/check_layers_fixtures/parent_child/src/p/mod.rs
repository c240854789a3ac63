mod kid;

pub struct Shared;

pub fn run() -> Shared {
    kid::make()
}
