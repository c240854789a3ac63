use super::super::a::Thing;

pub struct Helper(pub Thing);

pub fn helper() -> Helper {
    Helper(Thing)
}
