//! Printing: kitchen tickets and receipts on the restaurant's thermal printers.

pub mod cups;
