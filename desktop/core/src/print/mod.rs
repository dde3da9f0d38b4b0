//! Printing: kitchen tickets and receipts on the restaurant's thermal printers.

pub mod jobs;
pub mod layout;
pub mod rules;
pub mod runner;
pub mod transport;
