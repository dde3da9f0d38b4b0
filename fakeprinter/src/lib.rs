//! A network thermal printer on loopback, for tests and for trying Orderbell's printing without
//! one: it takes raw ESC/POS on TCP (as printers do on port 9100), decodes what it is sent into
//! tickets, answers status queries, can be switched off, run out of paper or be slow, and draws
//! each ticket as a picture.
//!
//! Written from Epson's ESC/POS reference and the Chinese printers' `FS &` / GB18030 mode, never
//! from Orderbell's own code: a fake sharing the app's byte builder would pass with both wrong.

mod decode;
mod parse;
mod render;
mod server;
mod status;
mod ticket;

pub use decode::decode;
pub use render::render_png;
pub use server::FakePrinter;
pub use ticket::{Align, Printed, PrintedLine, QrPlacement};
