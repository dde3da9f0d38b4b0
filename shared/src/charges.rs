//! Creating a payment at a provider (下单支付): the customer page asks for a **charge** of an order
//! (`POST /api/orders/{id}/charges`) or of a table's bill (`POST /api/bills/{id}/charges`) on the
//! channel that fits where it runs, and is handed what that channel needs: a QR code to show, a
//! page to go to, or the parameters of WeChat's in-app payment (JSAPI).
//!
//! The payment itself then arrives as the provider's signed notification, or is found by querying
//! the provider (查单) when the notification is late or lost: either way exactly once.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// How the customer pays. The page picks it from where it runs: inside WeChat → `wechat_jsapi`;
/// inside the Alipay app → `alipay_wap`; another mobile browser → `wechat_h5` or `alipay_wap`;
/// a desktop browser → `wechat_native` or `alipay_qr` (a code to scan with the phone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PayChannel {
    /// WeChat Pay Native: a `weixin://` code to scan.
    WechatNative,
    /// WeChat Pay JSAPI: inside WeChat, with the payer's `openid`.
    WechatJsapi,
    /// WeChat Pay H5: a mobile browser outside WeChat, sent to WeChat's page.
    WechatH5,
    /// `alipay.trade.wap.pay`: a mobile browser (or the Alipay app) sent to Alipay's page.
    AlipayWap,
    /// `alipay.trade.precreate`: a code to scan with Alipay.
    AlipayQr,
    /// The built-in payment simulator (the embedded default): its own cashier page.
    Simulator,
}

impl PayChannel {
    pub const ALL: [PayChannel; 6] = [
        PayChannel::WechatNative,
        PayChannel::WechatJsapi,
        PayChannel::WechatH5,
        PayChannel::AlipayWap,
        PayChannel::AlipayQr,
        PayChannel::Simulator,
    ];

    /// The provider that takes this channel's payments: `wechat`, `alipay` or `hmac`.
    pub fn provider(self) -> &'static str {
        match self {
            PayChannel::WechatNative | PayChannel::WechatJsapi | PayChannel::WechatH5 => "wechat",
            PayChannel::AlipayWap | PayChannel::AlipayQr => "alipay",
            PayChannel::Simulator => "hmac",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PayChannel::WechatNative => "wechat_native",
            PayChannel::WechatJsapi => "wechat_jsapi",
            PayChannel::WechatH5 => "wechat_h5",
            PayChannel::AlipayWap => "alipay_wap",
            PayChannel::AlipayQr => "alipay_qr",
            PayChannel::Simulator => "simulator",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        PayChannel::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// What the customer reads: which way they are paying.
    pub fn label(self) -> &'static str {
        match self {
            PayChannel::WechatNative => "微信扫码支付",
            PayChannel::WechatJsapi => "微信支付",
            PayChannel::WechatH5 => "微信支付（浏览器）",
            PayChannel::AlipayWap => "支付宝",
            PayChannel::AlipayQr => "支付宝扫码支付",
            PayChannel::Simulator => "模拟支付",
        }
    }
}

/// `GET /api/pay/methods`: the channels this server can create payments on now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PayMethods {
    pub channels: Vec<PayChannel>,
    /// Where a page inside WeChat goes for the payer's `openid` before a JSAPI charge
    /// (`/api/pay/wechat/oauth?back=<the page's path>`); `None` when JSAPI is not configured.
    pub wechat_oauth: Option<String>,
}

/// The body of `POST /api/orders/{id}/charges` and `POST /api/bills/{id}/charges`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChargeRequest {
    pub channel: PayChannel,
    /// The payer's `openid` in the store's official account: required for `wechat_jsapi`.
    #[serde(default)]
    pub openid: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChargeStatus {
    /// Created at the provider; the customer has not paid yet (as far as we know).
    Open,
    /// Paid: the order or bill has it.
    Paid,
    /// Closed at the provider (关单): no payment can arrive on it any more.
    Closed,
}

/// A payment created at a provider, and what the customer page does with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ChargeDTO {
    /// `out_trade_no` as given to the provider: the order's `OB…` or the bill's `BL…`, with `_2`,
    /// `_3` … for a second charge of the same order or bill (another channel, a new amount).
    pub trade_no: String,
    pub channel: PayChannel,
    pub amount: Money,
    pub status: ChargeStatus,
    /// `wechat_native`'s `code_url` or `alipay_qr`'s `qr_code`: the text of the code to show.
    pub qr_code: Option<String>,
    /// That code drawn as SVG, ready to show.
    pub qr_svg: Option<String>,
    /// Where to send the browser: `wechat_h5`'s `h5_url` (with `redirect_url` back to the page),
    /// `alipay_wap`'s signed gateway URL, or the simulator's cashier page.
    pub redirect_url: Option<String>,
    /// `wechat_jsapi`: what the page hands to `WeixinJSBridge.invoke('getBrandWCPayRequest', …)`.
    pub jsapi: Option<JsapiParams>,
    pub created_at: i64,
}

/// WeChat's JSAPI payment parameters, named exactly as `getBrandWCPayRequest` takes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct JsapiParams {
    pub app_id: String,
    pub time_stamp: String,
    pub nonce_str: String,
    /// `prepay_id=…`.
    pub package: String,
    /// `RSA`.
    pub sign_type: String,
    pub pay_sign: String,
}

/// The trade number of a charge: the order's or bill's own number for its first charge, then
/// `_2`, `_3` … (a provider refuses one `out_trade_no` for two different payments).
pub fn charge_trade_no(number: &str, nth: u32) -> String {
    if nth <= 1 {
        number.to_owned()
    } else {
        format!("{number}_{nth}")
    }
}

/// The order's or bill's number in a charge's trade number.
pub fn trade_number(trade_no: &str) -> &str {
    match trade_no.rsplit_once('_') {
        Some((number, nth)) if !nth.is_empty() && nth.bytes().all(|b| b.is_ascii_digit()) => number,
        _ => trade_no,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_charge_has_its_own_trade_number_of_the_same_order() {
        assert_eq!(charge_trade_no("OB00000012", 1), "OB00000012");
        assert_eq!(charge_trade_no("OB00000012", 2), "OB00000012_2");
        assert_eq!(trade_number("OB00000012_2"), "OB00000012");
        assert_eq!(trade_number("OB00000012"), "OB00000012");
        assert_eq!(trade_number("BL00000003_x"), "BL00000003_x");
    }

    #[test]
    fn channels_read_back_and_name_their_provider() {
        for channel in PayChannel::ALL {
            assert_eq!(PayChannel::parse(channel.as_str()), Some(channel));
            let json = serde_json::to_string(&channel).expect("json");
            assert_eq!(json, format!("\"{}\"", channel.as_str()));
        }
        assert_eq!(PayChannel::WechatH5.provider(), "wechat");
        assert_eq!(PayChannel::AlipayQr.provider(), "alipay");
    }
}
