//! A parent and its child that each use an item of the other: a cycle.
pub mod p;
