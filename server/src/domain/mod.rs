//! The plain data that the rules decide on and storage reads and writes: a store, its tables and
//! menu, cart lines, charges, refunds, the books, alerts, printers, the journal's streams. This
//! layer imports neither storage (`crate::db`) nor the rules nor the handlers, so both the rules
//! and storage point here and never at each other.

pub mod alerts;
pub mod carts;
pub mod charges;
pub mod demo;
pub mod journal;
pub mod menu;
pub mod printers;
pub mod refunds;
pub mod reports;
pub mod stores;
pub mod tables;
