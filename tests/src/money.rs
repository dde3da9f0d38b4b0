//! A server taking real-shaped money: its WeChat Pay and Alipay clients pointed at the fake
//! providers (`orderbell-fakepay`) over loopback HTTP, with no simulator, as the README's trial
//! runs it. The fake's notifications reach the server at its own address (its public URL).

use orderbell_fakepay::FakePay;
use orderbell_server::config::{PaymentConfig, Secret};

use crate::TestServer;

/// How long an order may stay unpaid on a money test server: short, so that a test moves the
/// server's clock past it without making the fake's signed timestamps (real time) stale.
pub const UNPAID_TIMEOUT_SECS: u64 = 60;

/// A fresh server whose only providers are the fake WeChat Pay and Alipay, and the fake.
pub async fn money_server() -> (TestServer, FakePay) {
    let fake = FakePay::start(None).await;
    let server = TestServer::start_with(|config| {
        config.unpaid_timeout_secs = UNPAID_TIMEOUT_SECS;
        point_at(&mut config.payments, &fake);
    })
    .await;
    (server, fake)
}

/// The settings the fake's `orderbell.env` holds, as configuration.
fn point_at(payments: &mut PaymentConfig, fake: &FakePay) {
    let (keys, base) = (fake.keys(), fake.url());
    let wechat = &keys.wechat;
    payments.wechat_mchid = Some(wechat.mchid.clone());
    payments.wechat_appid = Some(wechat.appid.clone());
    payments.wechat_apiv3_key = Some(Secret(wechat.api_v3_key.clone()));
    payments.wechat_app_secret = Some(Secret(wechat.app_secret.clone()));
    payments.wechat_platform_key = vec![format!(
        "{}={}",
        wechat.platform_serial,
        keys.wechat_platform_public_key_path().display()
    )];
    payments.wechat_merchant_key = Some(keys.wechat_merchant_key_path());
    payments.wechat_merchant_serial = Some(wechat.merchant_serial.clone());
    payments.wechat_api_base.clone_from(&base);
    payments.wechat_open_base.clone_from(&base);
    payments.wechat_sns_base.clone_from(&base);
    payments.alipay_app_id = Some(keys.alipay.app_id.clone());
    payments.alipay_public_key = Some(keys.alipay_public_key_path());
    payments.alipay_private_key = Some(keys.alipay_app_key_path());
    payments.alipay_gateway = format!("{base}/gateway.do");
    payments.no_simulator = true;
}
