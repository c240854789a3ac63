pub use crate::thing::Thing;
