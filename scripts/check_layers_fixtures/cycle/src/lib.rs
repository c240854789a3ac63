//! a -> b::c -> a: `a` reaches `c` through a grouped multi-line `crate::` use,
//! `c` reaches back with `super::super::`.
pub mod a;
pub mod b;
pub mod error;
