// A lower module reaching a type through a higher module's re-export.
pub mod high;
pub mod low;
pub mod thing;
