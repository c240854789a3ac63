pub mod c;
pub use c::Helper;
