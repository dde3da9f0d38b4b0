//! The store's printers: which there are, how each is reached, what it prints and which device
//! prints to it (`http`), and what a printer may be (`rules`). The printing itself is the desktop
//! app's (docs/PRINTING.md).

mod http;
pub mod rules;

pub use http::router;
