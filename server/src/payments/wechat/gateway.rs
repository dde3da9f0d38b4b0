//! WeChat Pay behind the [`Gateway`] trait: 下单 (Native, JSAPI, H5), 查单, 关单, 退款 and 查询退款,
//! each a request to its documented path with its documented fields. Amounts go in fen.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::charges::{JsapiParams, PayChannel};
use rand::distr::{Alphanumeric, SampleString};
use serde::Deserialize;
use serde_json::{Value, json};

use super::Client;
use crate::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, GatewayResult, Provider, RefundOrder, RefundState,
    TradeState,
};
use crate::reports::rules::date_text;

/// China Standard Time, the offset WeChat Pay writes its times in.
const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

/// A merchant's WeChat Pay, for one app id (the official account's, for JSAPI).
pub struct WechatPay {
    client: Client,
    appid: String,
    /// `{public_url}/api/pay/notify/wechat`.
    notify_url: String,
    /// Whether JSAPI payments can be made: only when the payer's `openid` can be found (the
    /// official account's AppSecret is configured).
    jsapi: bool,
}

#[derive(Deserialize)]
struct Trade {
    trade_state: String,
    #[serde(default)]
    transaction_id: Option<String>,
    #[serde(default)]
    amount: Option<TradeAmount>,
}

#[derive(Deserialize)]
struct TradeAmount {
    /// In fen.
    total: i64,
}

#[derive(Deserialize)]
struct Refund {
    refund_id: String,
    status: String,
}

impl WechatPay {
    pub fn new(client: Client, appid: String, notify_url: String, jsapi: bool) -> Self {
        WechatPay {
            client,
            appid,
            notify_url,
            jsapi,
        }
    }

    /// Where a payment of `channel` is created, and with what.
    fn order(&self, charge: &ChargeOrder) -> GatewayResult<(&'static str, Value)> {
        let mut body = json!({
            "appid": self.appid,
            "mchid": self.client.mchid(),
            "description": charge.description,
            "out_trade_no": charge.trade_no,
            "time_expire": beijing_time(charge.expires_at),
            "notify_url": self.notify_url,
            "amount": {"total": charge.amount.cents(), "currency": "CNY"},
        });
        let path = match charge.channel {
            PayChannel::WechatNative => "/v3/pay/transactions/native",
            PayChannel::WechatJsapi => {
                let openid = charge.openid.as_deref().ok_or_else(|| GatewayError::Refused {
                    code: "OPENID_MISSING".into(),
                    message: "微信内支付需要先取得付款人的 openid，请在微信里重新打开本页".into(),
                })?;
                body["payer"] = json!({"openid": openid});
                "/v3/pay/transactions/jsapi"
            }
            PayChannel::WechatH5 => {
                body["scene_info"] = json!({
                    "payer_client_ip": charge.client_ip,
                    "h5_info": {"type": "Wap"},
                });
                "/v3/pay/transactions/h5"
            }
            other => {
                return Err(GatewayError::Refused {
                    code: "CHANNEL_NOT_SUPPORTED".into(),
                    message: format!("微信支付不能用「{}」付款，请换一种支付方式", other.label()),
                });
            }
        };
        Ok((path, body))
    }

    /// The `getBrandWCPayRequest` parameters for a `prepay_id`, signed by the merchant key.
    fn jsapi_params(&self, prepay_id: &str, time_stamp: String, nonce_str: String) -> JsapiParams {
        let package = format!("prepay_id={prepay_id}");
        let pay_sign = self
            .client
            .sign(&pay_sign_message(&self.appid, &time_stamp, &nonce_str, &package));
        JsapiParams {
            app_id: self.appid.clone(),
            time_stamp,
            nonce_str,
            package,
            sign_type: "RSA".into(),
            pay_sign,
        }
    }
}

#[async_trait]
impl Gateway for WechatPay {
    fn provider(&self) -> Provider {
        Provider::Wechat
    }

    fn channels(&self) -> Vec<PayChannel> {
        let mut channels = vec![PayChannel::WechatNative, PayChannel::WechatH5];
        if self.jsapi {
            channels.push(PayChannel::WechatJsapi);
        }
        channels
    }

    async fn create(&self, charge: &ChargeOrder) -> GatewayResult<ChargeStart> {
        let (path, body) = self.order(charge)?;
        let answer = self.client.post(path, &body).await?;
        let field = |name: &str| {
            answer[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| GatewayError::Unavailable(format!("微信支付的回答缺少 {name}")))
        };
        Ok(match charge.channel {
            PayChannel::WechatJsapi => {
                let now = crate::clock::now_secs();
                let nonce = Alphanumeric.sample_string(&mut rand::rng(), 32);
                ChargeStart::Jsapi(self.jsapi_params(&field("prepay_id")?, now.to_string(), nonce))
            }
            PayChannel::WechatH5 => ChargeStart::Redirect(h5_redirect(&field("h5_url")?, &charge.return_url)),
            _ => ChargeStart::QrCode(field("code_url")?),
        })
    }

    async fn query(&self, trade_no: &str) -> GatewayResult<TradeState> {
        let path = format!(
            "/v3/pay/transactions/out-trade-no/{trade_no}?mchid={}",
            self.client.mchid()
        );
        match self.client.get(&path).await {
            Ok(answer) => {
                let trade: Trade = read(answer)?;
                trade_state(trade)
            }
            Err(GatewayError::Refused { code, .. }) if code == "ORDER_NOT_EXIST" => Ok(TradeState::NotFound),
            Err(e) => Err(e),
        }
    }

    async fn close(&self, trade_no: &str) -> GatewayResult<CloseOutcome> {
        let path = format!("/v3/pay/transactions/out-trade-no/{trade_no}/close");
        match self.client.post(&path, &json!({"mchid": self.client.mchid()})).await {
            Ok(_) => Ok(CloseOutcome::Closed),
            Err(GatewayError::Refused { code, .. }) if code == "ORDERPAID" => Ok(CloseOutcome::AlreadyPaid),
            // Never created there: nothing can be paid on it either.
            Err(GatewayError::Refused { code, .. }) if code == "ORDER_NOT_EXIST" || code == "ORDER_CLOSED" => {
                Ok(CloseOutcome::Closed)
            }
            Err(e) => Err(e),
        }
    }

    async fn refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        let answer = self
            .client
            .post("/v3/refund/domestic/refunds", &self.refund_body(refund))
            .await?;
        refund_answer(read(answer)?)
    }

    async fn query_refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        let path = format!("/v3/refund/domestic/refunds/{}", refund.refund_no);
        refund_answer(read(self.client.get(&path).await?)?)
    }
}

impl WechatPay {
    fn refund_body(&self, refund: &RefundOrder) -> Value {
        let mut body = json!({
            "out_refund_no": refund.refund_no,
            "reason": refund.reason,
            "notify_url": self.notify_url,
            "amount": {"refund": refund.amount.cents(), "total": refund.paid.cents(), "currency": "CNY"},
        });
        // WeChat takes one of the two; its own id is the one that cannot be mistaken.
        if refund.transaction_id.is_empty() {
            body["out_trade_no"] = refund.trade_no.as_str().into();
        } else {
            body["transaction_id"] = refund.transaction_id.as_str().into();
        }
        body
    }
}

fn read<T: serde::de::DeserializeOwned>(answer: Value) -> GatewayResult<T> {
    serde_json::from_value(answer).map_err(|e| GatewayError::Unavailable(format!("微信支付的回答无法读取：{e}")))
}

fn trade_state(trade: Trade) -> GatewayResult<TradeState> {
    Ok(match trade.trade_state.as_str() {
        // `REFUND`: paid, and a refund of it since: the payment still happened.
        "SUCCESS" | "REFUND" => {
            let (Some(transaction_id), Some(amount)) = (trade.transaction_id, trade.amount) else {
                return Err(GatewayError::Unavailable(
                    "微信支付说已支付，却没有给出交易号和金额".into(),
                ));
            };
            TradeState::Paid {
                transaction_id,
                amount: Money::from_cents(amount.total),
            }
        }
        "NOTPAY" | "USERPAYING" => TradeState::Waiting,
        "CLOSED" | "REVOKED" | "PAYERROR" => TradeState::Closed,
        other => {
            return Err(GatewayError::Unavailable(format!(
                "微信支付的订单状态 {other} 无法识别"
            )));
        }
    })
}

fn refund_answer(refund: Refund) -> GatewayResult<RefundState> {
    refund_state(&refund.status, refund.refund_id)
        .ok_or_else(|| GatewayError::Unavailable(format!("微信支付的退款状态 {} 无法识别", refund.status)))
}

/// A refund's state as WeChat names it, in an answer (`status`) or a notification
/// (`refund_status`); `None` for a name it does not document.
pub(super) fn refund_state(status: &str, refund_id: String) -> Option<RefundState> {
    Some(match status {
        "SUCCESS" => RefundState::Succeeded {
            provider_refund_id: Some(refund_id),
        },
        "PROCESSING" => RefundState::Processing {
            provider_refund_id: Some(refund_id),
        },
        "ABNORMAL" => RefundState::Failed {
            message: "退款异常：退回用户银行卡失败（卡可能已注销或冻结），请在微信支付商户平台处理，或线下退款".into(),
        },
        "CLOSED" => RefundState::Failed {
            message: "微信支付关闭了这笔退款，请重试或线下退款".into(),
        },
        _ => return None,
    })
}

/// `JSAPI` `paySign`'s message: `"{appId}\n{timeStamp}\n{nonceStr}\n{package}\n"`.
fn pay_sign_message(app_id: &str, time_stamp: &str, nonce_str: &str, package: &str) -> String {
    format!("{app_id}\n{time_stamp}\n{nonce_str}\n{package}\n")
}

/// The `h5_url` that brings the payer back to `return_url` after paying.
fn h5_redirect(h5_url: &str, return_url: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(return_url.as_bytes()).collect();
    format!("{h5_url}&redirect_url={encoded}")
}

/// An instant (unix ms) in RFC 3339 at Beijing time, as `time_expire` wants it:
/// `2024-06-15T20:00:00+08:00`.
fn beijing_time(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000) + BEIJING_OFFSET_SECS;
    let (day, second) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    format!(
        "{}T{:02}:{:02}:{:02}+08:00",
        date_text(day),
        second / 3600,
        second / 60 % 60,
        second % 60
    )
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, OnceLock};

    use rsa::RsaPrivateKey;
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};

    use super::*;
    use crate::payments::signing::{sha256_rsa_verifies, verifying_key_from_pem};
    use crate::payments::wechat::PlatformKeys;

    fn key() -> &'static RsaPrivateKey {
        static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
        KEY.get_or_init(|| RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a key"))
    }

    fn pay(jsapi: bool) -> WechatPay {
        let public = key().to_public_key().to_public_key_pem(LineEnding::LF).expect("PEM");
        let platform = PlatformKeys::new(&[("PLATFORM".into(), public)]).expect("a platform key");
        let client = Client::new(
            "http://127.0.0.1:1",
            "1900000001".into(),
            "MERCHANT".into(),
            SigningKey::new(key().clone()),
            Arc::new(platform),
        );
        WechatPay::new(
            client,
            "wxd678efh567hg6787".into(),
            "https://shop.example/api/pay/notify/wechat".into(),
            jsapi,
        )
    }

    fn charge(channel: PayChannel) -> ChargeOrder {
        ChargeOrder {
            channel,
            trade_no: "OB00000012_2".into(),
            amount: Money::from_cents(3801),
            description: "点单铃 A03号桌 OB00000012".into(),
            openid: Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into()),
            client_ip: "203.0.113.7".into(),
            return_url: "https://shop.example/o/12?t=a b&x=1".into(),
            // 2024-06-15 12:15:00 UTC.
            expires_at: 1_718_453_700_000,
        }
    }

    #[test]
    fn each_channel_is_ordered_at_its_path_in_fen_with_beijing_expiry() {
        let pay = pay(true);
        let (path, body) = pay.order(&charge(PayChannel::WechatNative)).expect("native");
        assert_eq!(path, "/v3/pay/transactions/native");
        assert_eq!(
            body,
            json!({
                "appid": "wxd678efh567hg6787",
                "mchid": "1900000001",
                "description": "点单铃 A03号桌 OB00000012",
                "out_trade_no": "OB00000012_2",
                "time_expire": "2024-06-15T20:15:00+08:00",
                "notify_url": "https://shop.example/api/pay/notify/wechat",
                "amount": {"total": 3801, "currency": "CNY"},
            })
        );
        let (path, body) = pay.order(&charge(PayChannel::WechatJsapi)).expect("jsapi");
        assert_eq!(path, "/v3/pay/transactions/jsapi");
        assert_eq!(body["payer"], json!({"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}));
        let (path, body) = pay.order(&charge(PayChannel::WechatH5)).expect("h5");
        assert_eq!(path, "/v3/pay/transactions/h5");
        assert_eq!(
            body["scene_info"],
            json!({"payer_client_ip": "203.0.113.7", "h5_info": {"type": "Wap"}})
        );

        let without_openid = ChargeOrder {
            openid: None,
            ..charge(PayChannel::WechatJsapi)
        };
        assert!(matches!(pay.order(&without_openid), Err(GatewayError::Refused { .. })));
        assert!(matches!(
            pay.order(&charge(PayChannel::AlipayQr)),
            Err(GatewayError::Refused { .. })
        ));
    }

    #[test]
    fn jsapi_is_offered_only_with_the_app_secret() {
        assert_eq!(pay(false).channels(), [PayChannel::WechatNative, PayChannel::WechatH5]);
        assert!(pay(true).channels().contains(&PayChannel::WechatJsapi));
    }

    #[test]
    fn pay_sign_is_the_merchant_keys_signature_over_four_lines() {
        let params = pay(true).jsapi_params(
            "wx201410272009395522657a690389285100",
            "1414561699".into(),
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS".into(),
        );
        assert_eq!(params.package, "prepay_id=wx201410272009395522657a690389285100");
        assert_eq!(params.sign_type, "RSA");
        let message = "wxd678efh567hg6787\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n";
        let public = verifying_key_from_pem(&key().to_public_key().to_public_key_pem(LineEnding::LF).expect("PEM"))
            .expect("public key");
        assert!(sha256_rsa_verifies(&public, message.as_bytes(), &params.pay_sign));
    }

    #[test]
    fn refunds_ask_in_fen_by_transaction_id() {
        let refund = RefundOrder {
            refund_no: "RF00000007".into(),
            trade_no: "OB00000012".into(),
            transaction_id: "4200000001".into(),
            amount: Money::from_cents(1250),
            paid: Money::from_cents(3801),
            reason: "退菜".into(),
        };
        assert_eq!(
            pay(false).refund_body(&refund),
            json!({
                "transaction_id": "4200000001",
                "out_refund_no": "RF00000007",
                "reason": "退菜",
                "notify_url": "https://shop.example/api/pay/notify/wechat",
                "amount": {"refund": 1250, "total": 3801, "currency": "CNY"},
            })
        );
    }

    #[test]
    fn trade_and_refund_states_map_as_documented() {
        let trade = |state: &str| {
            trade_state(Trade {
                trade_state: state.into(),
                transaction_id: Some("4200000001".into()),
                amount: Some(TradeAmount { total: 3801 }),
            })
        };
        let paid = TradeState::Paid {
            transaction_id: "4200000001".into(),
            amount: Money::from_cents(3801),
        };
        assert_eq!(trade("SUCCESS"), Ok(paid.clone()));
        assert_eq!(trade("REFUND"), Ok(paid));
        for (state, expected) in [
            ("NOTPAY", TradeState::Waiting),
            ("USERPAYING", TradeState::Waiting),
            ("CLOSED", TradeState::Closed),
            ("REVOKED", TradeState::Closed),
            ("PAYERROR", TradeState::Closed),
        ] {
            assert_eq!(trade(state), Ok(expected), "{state}");
        }
        assert!(matches!(trade("SOMETHING_NEW"), Err(GatewayError::Unavailable(_))));

        let id = Some("50300".to_owned());
        assert_eq!(
            refund_state("SUCCESS", "50300".into()),
            Some(RefundState::Succeeded {
                provider_refund_id: id.clone()
            })
        );
        assert_eq!(
            refund_state("PROCESSING", "50300".into()),
            Some(RefundState::Processing { provider_refund_id: id })
        );
        for failed in ["ABNORMAL", "CLOSED"] {
            assert!(matches!(
                refund_state(failed, "50300".into()),
                Some(RefundState::Failed { .. })
            ));
        }
        assert_eq!(refund_state("UNKNOWN", "50300".into()), None);
    }

    #[test]
    fn times_are_beijing_rfc3339_and_h5_returns_to_the_page() {
        assert_eq!(beijing_time(0), "1970-01-01T08:00:00+08:00");
        // 2024-02-29 16:00:00 UTC is the next day in Beijing.
        assert_eq!(beijing_time(1_709_222_400_999), "2024-03-01T00:00:00+08:00");
        assert_eq!(
            h5_redirect(
                "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx20&package=1",
                "https://shop.example/o/12?t=a b&x=1"
            ),
            "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx20&package=1&redirect_url=https%3A%2F%2Fshop.example%2Fo%2F12%3Ft%3Da+b%26x%3D1"
        );
    }
}
