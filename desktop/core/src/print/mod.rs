//! Printing: what Orderbell prints on the restaurant's thermal printers, and (in the modules the
//! print queue adds) when and how it gets there.
//!
//! [`layout`] lays out the kitchen ticket, the customer receipt and the test page; [`escpos`]
//! turns them into the ESC/POS bytes a Chinese thermal printer reads; [`columns`] measures text
//! the way the printer does (a Chinese character takes two columns). docs/PRINTING.md says why
//! the bytes are these.

pub mod columns;
pub mod escpos;
pub mod layout;

pub mod jobs;
pub mod rules;
pub mod runner;
pub mod transport;
