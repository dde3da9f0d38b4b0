//! Printing: what Orderbell prints on the restaurant's thermal printers, when, and how it gets
//! there, never lost and never twice.
//!
//! [`layout`] lays out the kitchen ticket, the customer receipt and the test page; [`escpos`]
//! turns them into the ESC/POS bytes a Chinese thermal printer reads; [`columns`] measures text
//! the way the printer does (a Chinese character takes two columns). [`rules`] says which jobs a
//! store event makes for this device's printers, [`jobs`] keeps them on disk until printed,
//! [`runner`] sends each printer its queue over [`transport`] (TCP 9100, or [`cups`]).
//! docs/PRINTING.md says why.

pub mod columns;
pub mod cups;
pub mod escpos;
mod failure;
pub mod jobs;
pub mod layout;
#[cfg(test)]
mod printed;
pub mod rules;
pub mod runner;
pub mod transport;

pub use failure::PrintFailure;
