//! Telling the server what this device did with an alert, so that the store knows an order was
//! *heard* and not only sent: `shown` when its notification is on screen, `sounded` when its
//! voice played, `stopped` when the repeats ended because someone handled it. The server
//! escalates an alert no device sounded, so a lost receipt costs an alarm, never an order.
//!
//! Each device has an identity of its own ([`Device`]), made on first run and kept in the data
//! folder, which the store stream also carries: the server then knows the device is online.

use std::time::Duration;

use orderbell_shared::heard::{AlertKind, ReceiptRequest, ReceiptState};
use rand::Rng as _;
use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::api::Api;

/// The name when the machine has no readable host name.
pub const DEFAULT_NAME: &str = "前台电脑";
/// What the server takes: 1-30 characters.
const MAX_NAME_CHARS: usize = 30;
/// Tries of one receipt: the first and two retries, a second and then two apart.
const TRIES: u32 = 3;

/// This device, as the store's devices list and the board's 「已在前台电脑响铃」 name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// Random, 1-64 of `[A-Za-z0-9_-]`.
    pub id: String,
    pub name: String,
}

impl Device {
    /// A new identity named after this machine.
    pub fn fresh() -> Device {
        let mut rng = rand::rng();
        let id: String = (0..20)
            .map(|_| char::from(rng.sample(rand::distr::Alphanumeric)))
            .collect();
        Device {
            id: format!("desk-{id}"),
            name: host_name().unwrap_or_else(|| DEFAULT_NAME.to_owned()),
        }
    }

    /// The store stream's address for this device: `…/events?device=<id>&deviceName=<name>`.
    pub fn stream_url(&self, base: &str) -> String {
        let params = [("device", self.id.as_str()), ("deviceName", self.name.as_str())];
        Url::parse_with_params(base, params).map_or_else(|_| base.to_owned(), String::from)
    }
}

/// The machine's host name, cut to what the server takes.
fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())?;
    let name: String = name.trim().chars().take(MAX_NAME_CHARS).collect();
    (!name.is_empty()).then_some(name)
}

/// Which alert: an order's (`reminder_id` none) or one 催单's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AlertRef {
    pub order_id: i64,
    pub reminder_id: Option<i64>,
}

impl AlertRef {
    pub fn order(order_id: i64) -> AlertRef {
        AlertRef {
            order_id,
            reminder_id: None,
        }
    }

    pub fn from_parts(order_id: i64, kind: AlertKind, reminder_id: Option<i64>) -> AlertRef {
        AlertRef {
            order_id,
            reminder_id: reminder_id.filter(|_| kind == AlertKind::Reminder),
        }
    }

    pub fn kind(self) -> AlertKind {
        match self.reminder_id {
            Some(_) => AlertKind::Reminder,
            None => AlertKind::Order,
        }
    }
}

/// Sends receipts in the background. Never waits: the alert itself must not be held up by a
/// slow or unreachable server.
#[derive(Clone, Debug)]
pub struct Receipts {
    api: Api,
    device: Device,
}

impl Receipts {
    pub fn new(api: Api, device: Device) -> Receipts {
        Receipts { api, device }
    }

    /// Send one receipt, retrying a network failure twice. Needs a tokio runtime.
    pub fn send(&self, alert: AlertRef, state: ReceiptState) {
        let request = ReceiptRequest {
            device_id: self.device.id.clone(),
            device_name: self.device.name.clone(),
            order_id: alert.order_id,
            alert: alert.kind(),
            reminder_id: alert.reminder_id,
            state,
        };
        let api = self.api.clone();
        tokio::spawn(async move {
            for attempt in 1..=TRIES {
                match api.receipt(&request).await {
                    Ok(()) => return,
                    // Refused (the order is gone, say): trying again changes nothing.
                    Err(crate::Error::Refused { code, .. }) => {
                        tracing::info!(%code, ?request, "receipt refused");
                        return;
                    }
                    Err(e) if attempt == TRIES => tracing::warn!(error = %e, ?request, "receipt not sent"),
                    Err(_) => tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await,
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_device_has_an_id_and_a_name_the_server_takes() {
        let device = Device::fresh();
        assert!(
            device.id.len() <= 64
                && device
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{device:?}"
        );
        assert_ne!(device.id, Device::fresh().id, "random, not one id for every machine");
        let chars = device.name.chars().count();
        assert!((1..=MAX_NAME_CHARS).contains(&chars), "{device:?}");
    }

    #[test]
    fn the_stream_url_carries_the_device_encoded() {
        let device = Device {
            id: "desk-1".into(),
            name: "前台 电脑&1".into(),
        };
        let url = device.stream_url("http://h:1/api/stores/1/events");
        let parsed = Url::parse(&url).expect("a valid url");
        let pairs: Vec<(String, String)> = parsed.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(
            pairs,
            [
                ("device".to_owned(), "desk-1".to_owned()),
                ("deviceName".to_owned(), "前台 电脑&1".to_owned())
            ]
        );
    }
}
