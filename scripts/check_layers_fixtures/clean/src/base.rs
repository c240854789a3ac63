//! The lowest layer. Nothing here may count as a use of a module above:
//! not this comment about crate::shapes::circle::area, not the strings below,
//! not the test module.

pub type Num = f64;

/* a block comment naming crate::draw::paint() */
pub const QUOTE: char = '"';
pub const NOTE: &str = "see crate::shapes::circle::area and \"super::draw\"";
pub const RAW: &str = r#"crate::draw::paint "quoted""#;
pub const TICK: char = '\'';

pub fn double<'a>(x: &'a Num) -> Num {
    x * 2.0
}

#[cfg(test)]
mod tests {
    use crate::shapes::circle::area;
    use crate::draw::paint;

    #[test]
    fn uses_everything() {
        let _ = (area, paint, crate::Circle::unit());
    }
}
