//! The merchant desktop app of Orderbell, without its window.
//!
//! Everything that decides whether the restaurant hears an order lives here and is tested
//! without Tauri and without a display: the store stream subscription ([`stream`]), the order
//! board ([`board`]), the alert policy ([`alerts`]), voice ([`voice`]) and notifications
//! ([`notify`]), tied together by the [`desk`]. The Tauri crate (`desktop/shell`) only forwards
//! the window's clicks to a [`Desk`] and shows its [`DeskView`].

pub mod alerts;
pub mod api;
pub mod backoff;
pub mod board;
pub mod books;
pub mod clock;
pub mod desk;
pub mod engine;
pub mod error;
pub mod floor;
pub mod heard;
pub mod link;
pub mod notify;
pub mod outputs;
pub mod owner;
pub mod pairing;
pub mod print;
pub mod receipts;
pub mod refunds;
pub mod saved;
pub mod setup;
pub mod stream;
pub mod view;
pub mod voice;

pub use alerts::Effect;
pub use api::{Action, ActionError};
pub use clock::{Clock, ManualClock, SystemClock};
pub use desk::{Desk, DeskOptions, Effects};
pub use error::{Error, Result};
pub use owner::StoreReport;
pub use pairing::{Pairing, Role};
pub use saved::{Saved, Settings};
pub use view::DeskView;
