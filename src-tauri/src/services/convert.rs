//! Wire types to views, in one place.
