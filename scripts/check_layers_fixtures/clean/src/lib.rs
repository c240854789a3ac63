//! No cycles, but every trap the checker must not fall into.
pub mod base;
pub mod draw;
pub mod shapes;

pub use shapes::Circle;
