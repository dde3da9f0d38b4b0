//! Alipay notifications: a form body. Only a form signed (RSA2) with Alipay's key over its other
//! parameters and naming our app is read; everything else is refused as the sender's fault.
//!
//! The fuzzer writes the form; the target can sign it correctly, as Alipay would, so that inputs
//! get past the signature into the reading of the fields behind it.

#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use orderbell_fuzz::{assert_refused_as_client_error, public_key_pem, sha256_rsa};
use orderbell_server::payments::alipay::{self, AlipayConfig};
use orderbell_server::payments::{Notice, Provider};

const APP_ID: &str = "2021000123456789";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    form: Form<'a>,
    /// `None`: signed with Alipay's key, as Alipay signs.
    sign: Option<&'a str>,
    /// `None`: `RSA2`.
    sign_type: Option<&'a str>,
}

#[derive(Arbitrary, Debug)]
enum Form<'a> {
    /// Any bytes, read as a form.
    Raw(&'a [u8]),
    /// Parameters of a notice, by name.
    Fields(Vec<(Name<'a>, Value<'a>)>),
}

#[derive(Arbitrary, Debug)]
enum Name<'a> {
    AppId,
    TotalAmount,
    TradeStatus,
    NotifyId,
    OutTradeNo,
    TradeNo,
    Charset,
    Sign,
    Other(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Value<'a> {
    OurAppId,
    Given(&'a str),
}

fuzz_target!(|input: Input| {
    static CONFIG: std::sync::OnceLock<AlipayConfig> = std::sync::OnceLock::new();
    let config = CONFIG
        .get_or_init(|| AlipayConfig::new(APP_ID.into(), &public_key_pem()).expect("a valid Alipay configuration"));

    let mut body = match &input.form {
        Form::Raw(raw) => raw.to_vec(),
        Form::Fields(fields) => {
            let pairs = fields.iter().map(|(name, value)| (name.as_str(), value.as_str()));
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
                .into_bytes()
        }
    };
    let sign = match input.sign {
        Some(given) => given.to_owned(),
        None => sha256_rsa(signed_content(&body).as_bytes()),
    };
    let signature = form_urlencoded::Serializer::new(String::new())
        .append_pair("sign_type", input.sign_type.unwrap_or("RSA2"))
        .append_pair("sign", &sign)
        .finish();
    if !body.is_empty() {
        body.push(b'&');
    }
    body.extend_from_slice(signature.as_bytes());

    match alipay::verify(config, &body) {
        Ok(notice) => {
            assert!(
                input.sign.is_none(),
                "a notice read with a signature we did not make: {notice:?}"
            );
            match notice {
                Notice::Payment(notice) => {
                    assert_eq!(notice.provider, Provider::Alipay);
                    assert_eq!(notice.merchant_id, APP_ID, "a notice for another app read");
                }
                Notice::Refund(notice) => assert_eq!(notice.provider, Provider::Alipay),
            }
        }
        Err(e) => assert_refused_as_client_error(&e),
    }
});

/// What Alipay signs: the parameters, decoded, sorted by name, joined `k=v&k=v` (the SDK's
/// `getSignCheckContentV1`). The last of a repeated name wins here; the server refuses repeats.
fn signed_content(form: &[u8]) -> String {
    form_urlencoded::parse(form)
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

impl Name<'_> {
    fn as_str(&self) -> &str {
        match self {
            Name::AppId => "app_id",
            Name::TotalAmount => "total_amount",
            Name::TradeStatus => "trade_status",
            Name::NotifyId => "notify_id",
            Name::OutTradeNo => "out_trade_no",
            Name::TradeNo => "trade_no",
            Name::Charset => "charset",
            Name::Sign => "sign",
            Name::Other(name) => name,
        }
    }
}

impl Value<'_> {
    fn as_str(&self) -> &str {
        match self {
            Value::OurAppId => APP_ID,
            Value::Given(value) => value,
        }
    }
}
