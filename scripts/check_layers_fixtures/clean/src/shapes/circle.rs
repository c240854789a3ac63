use super::Unit;
use crate::base::{self, Num};

pub struct Circle(pub Unit, pub Num);

impl Circle {
    pub fn unit() -> Self {
        Circle(Unit, 1.0)
    }
}

pub fn area(c: &Circle) -> Num {
    base::double(&c.1) * 1.5
}
