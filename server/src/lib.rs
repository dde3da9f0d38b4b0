//! Orderbell's server: the menu, the shared cart of each table, orders and their payments,
//! 催单 reminders, and the live streams (SSE and WebSocket) that push every change — durably,
//! for the merchant — to whoever must hear of it.
//!
//! `main.rs` only parses the command line; tests open an [`App`] and serve it on a port of their
//! own.

mod alerts;
mod app;
pub mod auth;
mod backup;
mod bills;
mod carts;
mod charges;
pub mod clock;
pub mod config;
mod db;
mod demo;
mod devices;
mod domain;
mod error;
mod extract;
mod health;
mod journal;
pub mod logs;
mod maintenance;
mod media;
mod menu;
mod metrics;
pub mod net;
mod openapi;
mod orders;
pub mod payments;
mod peers;
mod printers;
mod push;
mod refunds;
mod reminders;
mod reports;
mod state;
mod stores;
mod streams;
mod tables;
mod web;

pub use app::App;
pub use backup::backup;
pub use config::Config;
pub use error::{Error, Result};
pub use push::bus::{Bus, BusStatus};
pub use tables::{QrFile, TableLink};

/// How the cart WebSocket reads a client message, and what it reads it into: public for the fuzz
/// targets (`fuzz/`), which feed it arbitrary text.
pub use carts::read_command;
pub use carts::rules::CartChange;
