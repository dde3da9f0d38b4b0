//! The owner's view of the store, beside the board: which devices are online to hear an order,
//! every stretch an alert went unheard, and what the server does when nobody answers
//! ([`AlertSettings`]). Fetched when the window opens the 「店铺」 panel, not kept live: it is
//! looked at, not listened to.

pub use orderbell_shared::heard::AlertSettings;
use orderbell_shared::heard::{DeviceDTO, UnheardAlert, UnheardReport};
use serde::Serialize;

use crate::pairing::Role;

const DAY_MS: i64 = 86_400_000;

/// What the 「店铺」 panel shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StoreReport {
    pub devices: Vec<DeviceDTO>,
    /// This app's own device id, so the list can mark it 本机.
    pub this_device: String,
    pub unheard: UnheardReport,
    /// Unheard time of the stretches that began today (local midnight on), in ms.
    pub unheard_today_ms: i64,
    pub settings: AlertSettings,
    /// Only the merchant's credential may change the settings; the kitchen sees them.
    pub can_edit: bool,
}

impl StoreReport {
    /// The panel from what the server answered, `now` and the local offset deciding "today".
    pub fn new(
        devices: Vec<DeviceDTO>,
        this_device: String,
        unheard: UnheardReport,
        settings: AlertSettings,
        role: Role,
        now: i64,
        utc_offset_secs: i32,
    ) -> StoreReport {
        let unheard_today_ms = today_ms(&unheard.alerts, now, utc_offset_secs);
        StoreReport {
            devices,
            this_device,
            unheard,
            unheard_today_ms,
            settings,
            can_edit: role == Role::Merchant,
        }
    }
}

/// The sum of the stretches that began since local midnight. The server's total is over every
/// stretch it lists; the owner asks about today.
fn today_ms(alerts: &[UnheardAlert], now: i64, utc_offset_secs: i32) -> i64 {
    let offset = i64::from(utc_offset_secs) * 1000;
    let midnight = (now + offset).div_euclid(DAY_MS) * DAY_MS - offset;
    alerts
        .iter()
        .filter(|a| a.since >= midnight)
        .map(|a| a.unheard_ms)
        .sum()
}

#[cfg(test)]
mod tests {
    use orderbell_shared::heard::{AlertKind, EscalationReason};

    use super::*;

    fn stretch(since: i64, unheard_ms: i64) -> UnheardAlert {
        UnheardAlert {
            order_id: 1,
            order_no: "OB00000001".into(),
            table_number: "A01".into(),
            alert: AlertKind::Order,
            reason: EscalationReason::NotHeard,
            since,
            settled_at: Some(since + unheard_ms),
            unheard_ms,
        }
    }

    #[test]
    fn today_starts_at_local_midnight() {
        // 2026-12-02 01:00 in UTC+8 is 2026-12-01 17:00 UTC.
        let now = 1_796_144_400_000;
        let beijing = 8 * 3600;
        let alerts = [
            stretch(now - 30 * 60_000, 40_000),     // 00:30 today
            stretch(now - 2 * 3_600_000, 70_000),   // 23:00 yesterday
            stretch(now - 3_600_000 + 1000, 5_000), // 00:00:01 today
        ];
        assert_eq!(
            today_ms(&alerts, now, beijing),
            45_000,
            "yesterday's 23:00 is not today"
        );
        assert_eq!(
            today_ms(&alerts, now, 0),
            115_000,
            "in UTC all three fell on 2026-12-01"
        );
    }

    #[test]
    fn only_the_merchant_may_edit() {
        let report = |role| {
            StoreReport::new(
                Vec::new(),
                "desk-1".into(),
                UnheardReport {
                    total_ms: 0,
                    alerts: Vec::new(),
                },
                AlertSettings::default(),
                role,
                0,
                0,
            )
        };
        assert!(report(Role::Merchant).can_edit);
        assert!(!report(Role::Kitchen).can_edit);
    }
}
