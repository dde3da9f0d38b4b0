//! Orderbell's server: the menu, the shared cart of each table, and the live streams (SSE and
//! WebSocket) that push every change to every phone at the table.
//!
//! `main.rs` only parses the command line; tests open an [`App`] and serve it on a port of their
//! own.

mod app;
mod auth;
mod carts;
mod clock;
pub mod config;
mod db;
mod demo;
mod error;
mod extract;
mod menu;
mod push;
mod tables;

pub use app::App;
pub use config::Config;
pub use error::{Error, Result};
pub use tables::TableLink;
