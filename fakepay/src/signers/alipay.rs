//! Alipay asynchronous notifications: a form signed SHA256withRSA (`RSA2`) over every other
//! parameter, decoded, sorted by name, joined `k=v&k=v`.

use std::collections::BTreeMap;

use rsa::RsaPrivateKey;

use super::{ALIPAY_KEY, IMPOSTOR_KEY, random_text, rsa_key, sha256_rsa, spki_pem};

/// Alipay's notification server, for one app.
pub struct FakeAlipay {
    pub app_id: String,
    key: &'static RsaPrivateKey,
}

impl Default for FakeAlipay {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeAlipay {
    pub fn new() -> Self {
        FakeAlipay {
            app_id: "2021000123456789".into(),
            key: rsa_key(&ALIPAY_KEY),
        }
    }

    /// Everything as [`FakeAlipay::new`], but signing with a key that is not Alipay's.
    pub fn forger() -> Self {
        FakeAlipay {
            key: rsa_key(&IMPOSTOR_KEY),
            ..Self::new()
        }
    }

    /// Alipay's public key (支付宝公钥), SPKI PEM.
    pub fn public_key_pem(&self) -> String {
        spki_pem(self.key)
    }

    /// The form body of a `trade_status_sync` notification, `application/x-www-form-urlencoded`.
    pub fn notify(&self, out_trade_no: &str, alipay_trade_no: &str, total_amount: &str, trade_status: &str) -> String {
        let notify_id = random_text(34).to_lowercase();
        let fund_bill_list = format!(r#"[{{"amount":"{total_amount}","fundChannel":"ALIPAYACCOUNT"}}]"#);
        let params = [
            ("notify_time", "2024-06-15 12:00:05"),
            ("notify_type", "trade_status_sync"),
            ("notify_id", notify_id.as_str()),
            ("app_id", self.app_id.as_str()),
            ("charset", "utf-8"),
            ("version", "1.0"),
            ("trade_no", alipay_trade_no),
            ("out_trade_no", out_trade_no),
            ("total_amount", total_amount),
            ("receipt_amount", total_amount),
            ("buyer_pay_amount", total_amount),
            ("trade_status", trade_status),
            ("seller_id", "2088102177846880"),
            ("buyer_id", "2088102177846881"),
            ("gmt_create", "2024-06-15 11:59:58"),
            ("gmt_payment", "2024-06-15 12:00:04"),
            ("subject", "Orderbell 3号桌 点餐 & 加菜"),
            ("fund_bill_list", fund_bill_list.as_str()),
        ];
        signed_form(self.key, &params)
    }
}

/// `params` with `sign_type` and `sign` appended, as a form body: how Alipay signs what it sends
/// (notifications and the return to the merchant's page).
pub(crate) fn signed_form(key: &RsaPrivateKey, params: &[(&str, &str)]) -> String {
    // Signed over every parameter but the signature's own two, decoded, sorted by name.
    let sign = sha256_rsa(key, signed_content(params.iter().copied()).as_bytes());
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .append_pair("sign_type", "RSA2")
        .append_pair("sign", &sign)
        .finish()
}

/// The text an RSA2 signature covers: non-empty parameters, sorted by name, joined `k=v&k=v`.
pub(crate) fn signed_content<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    params
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}
