//! When a charge is handed out again, what the next one is numbered, and when an open one is
//! queried next (查单).

use std::time::Duration;

use orderbell_shared::Money;
use orderbell_shared::charges::{ChargeStatus, PayChannel, charge_trade_no};

use crate::domain::charges::ChargeRow;

/// Waits before each query of an open charge: soon at first, when a lost notification is most
/// likely to matter to a customer waiting at the table, then every five minutes.
const QUERY_BACKOFF: [Duration; 5] = [
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
    Duration::from_secs(120),
];
const QUERY_EVERY: Duration = Duration::from_secs(300);

/// The open charge a second tap gets again: the same channel for the same amount. A new amount
/// (the bill grew) or another channel is a new charge.
pub fn reusable(charges: &[ChargeRow], channel: PayChannel, amount: Money) -> Option<&ChargeRow> {
    charges
        .iter()
        .rev()
        .find(|c| c.status == ChargeStatus::Open && c.channel == channel && c.amount == amount)
}

/// The trade number of the next charge of `number` (an order's `OB…`, a bill's `BL…`), which
/// has `charges` already: a provider refuses one `out_trade_no` for two payments.
pub fn next_trade_no(number: &str, charges: &[ChargeRow]) -> String {
    let nth = u32::try_from(charges.len()).unwrap_or(u32::MAX).saturating_add(1);
    charge_trade_no(number, nth)
}

/// How long after its `queries`-th query a charge is queried again (after creation: `0`).
fn query_delay(queries: u32) -> Duration {
    usize::try_from(queries)
        .ok()
        .and_then(|n| QUERY_BACKOFF.get(n).copied())
        .unwrap_or(QUERY_EVERY)
}

/// When a charge queried `queries` times (after creation: `0`) is queried next.
pub fn next_query_at(now: i64, queries: u32) -> i64 {
    now.saturating_add(i64::try_from(query_delay(queries).as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::charges::Paid;

    fn charge(trade_no: &str, channel: PayChannel, cents: i64, status: ChargeStatus) -> ChargeRow {
        ChargeRow {
            store_id: 1,
            paid: Paid::Order(12),
            trade_no: trade_no.into(),
            provider: "wechat".into(),
            channel,
            amount: Money::from_cents(cents),
            status,
            start_json: "{}".into(),
            created_at: 0,
            queries: 0,
            next_query_at: 0,
        }
    }

    #[test]
    fn a_second_tap_on_the_same_channel_and_amount_gets_the_open_charge_again() {
        let charges = [
            charge("OB00000012", PayChannel::WechatNative, 3800, ChargeStatus::Closed),
            charge("OB00000012_2", PayChannel::WechatNative, 3800, ChargeStatus::Open),
        ];
        let again = reusable(&charges, PayChannel::WechatNative, Money::from_cents(3800));
        assert_eq!(again.map(|c| c.trade_no.as_str()), Some("OB00000012_2"));
        assert!(
            reusable(&charges, PayChannel::AlipayQr, Money::from_cents(3800)).is_none(),
            "another channel is another charge"
        );
        assert!(
            reusable(&charges, PayChannel::WechatNative, Money::from_cents(4200)).is_none(),
            "a bill that grew is another charge"
        );
        assert_eq!(next_trade_no("OB00000012", &charges), "OB00000012_3");
        assert_eq!(next_trade_no("BL00000003", &[]), "BL00000003");
    }

    #[test]
    fn queries_back_off_to_every_five_minutes() {
        let waits: Vec<u64> = (0..8).map(|n| query_delay(n).as_secs()).collect();
        assert_eq!(waits, [5, 10, 30, 60, 120, 300, 300, 300]);
        assert_eq!(query_delay(u32::MAX).as_secs(), 300);
    }
}
