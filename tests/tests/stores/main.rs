//! Stores as customers meet them, end to end: the settings and logo the owner changes, and the
//! orders a closed or paused store refuses.

mod logo;
mod settings;

pub use orderbell_tests::refused;
