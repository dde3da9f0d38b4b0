//! Payment notifications, verified by the server's provider modules, as the fake providers sign
//! them exactly like WeChat Pay, Alipay and Standard Webhooks: the genuine are read correctly,
//! every kind of forgery or damage is refused with its own code. And the server's API clients
//! against stand-ins of the providers' gateways (`alipay_api`).

mod alipay;
mod alipay_api;
mod webhook;
mod wechat;
mod wechat_api;

use std::fmt::Debug;

use orderbell_server::Result;

/// 2024-06-15 12:00 in Beijing: "now", for every timestamped notification.
const NOW: i64 = 1_718_424_000;
const TRADE_NO: &str = "OB00000012";

/// The code a notification is refused with.
fn refusal<T: Debug>(result: Result<T>) -> &'static str {
    result.expect_err("must be refused").code()
}
