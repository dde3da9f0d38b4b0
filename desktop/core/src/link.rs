//! A pairing link from outside the window: `--pair` at start, or a second launch handing its
//! `--pair` to the running app. What it means is decided here, without Tauri: a link for the
//! store already paired changes nothing, one for another store or server is only taken once the
//! merchant says so (a wrong link must not silently end the alerts of the right store).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::pairing::{Pairing, Role, Typed};
use crate::saved::Saved;

/// What to do with a link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offered {
    /// Not a pairing link: why, for the pairing form.
    Invalid(String),
    /// Nothing paired yet: pair with it.
    Pair(Pairing),
    /// Already paired with exactly this.
    Same,
    /// Paired with another store, role or server: ask the merchant first.
    Ask(Pairing),
}

/// Decide what `link` means while `current` is paired: the same credential on the same server is
/// known without asking; any other is asked about (whose is it?) from the server.
pub async fn offer(link: &str, current: Option<&Pairing>) -> Offered {
    let invalid = |e: Error| match e {
        Error::Pairing(reason) => Offered::Invalid(format!("配对链接无效：{reason}")),
        other => Offered::Invalid(other.to_string()),
    };
    let typed = match Typed::read(link, "") {
        Ok(typed) => typed,
        Err(e) => return invalid(e),
    };
    if current.is_some_and(|c| c.server_url == typed.server_url && c.token == typed.token) {
        return Offered::Same;
    }
    let pairing = match Pairing::resolve(link, "").await {
        Ok(pairing) => pairing,
        Err(e) => return invalid(e),
    };
    match current {
        None => Offered::Pair(pairing),
        Some(_) => Offered::Ask(pairing),
    }
}

/// A pairing as the window shows it when asking whether to switch: no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PairingOffer {
    pub server_url: String,
    pub role: Role,
    pub store_id: i64,
}

impl From<&Pairing> for PairingOffer {
    fn from(pairing: &Pairing) -> Self {
        PairingOffer {
            server_url: pairing.server_url.clone(),
            role: pairing.role,
            store_id: pairing.store_id,
        }
    }
}

/// Pair with `pairing` from now on. The old stream position goes with the old pairing: another
/// server or store has other event ids.
pub fn switch(saved: &Saved, pairing: &Pairing) -> Result<()> {
    saved.forget_pairing()?;
    saved.save_pairing(pairing)
}
