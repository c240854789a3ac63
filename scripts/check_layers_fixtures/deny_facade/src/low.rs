use crate::high::Thing;

pub fn make() -> Thing {
    Thing
}
