//! A facade: re-exports its child, which uses `Unit` defined here. The
//! re-export is not a use of the child, so there is no cycle.
mod circle;

pub use circle::{area, Circle};
pub use self::circle::Circle as Round;

pub struct Unit;
