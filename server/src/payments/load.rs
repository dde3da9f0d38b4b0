//! Reading the payment providers' configuration and keys at startup.

use std::sync::Arc;

use crate::config::PaymentConfig;
use crate::db::Database;
use crate::error::{Error, Result};

use super::signing::signing_key_from_pem;
use super::simulator::SimulatorGateway;
use super::{Gateway, Gateways, Payments, Simulator, alipay, webhook, wechat};

/// The payment providers as configured: a key that fails to load is a startup error that says
/// which, and no key is ever logged.
/// `public_url`: where the providers reach this server (their notify URLs are made from it).
pub async fn load(config: &PaymentConfig, db: &dyn Database, self_url: &str, public_url: &str) -> Result<Payments> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))
    };
    let wechat = match &config.wechat_mchid {
        None => None,
        Some(mchid) => {
            let key = config
                .wechat_apiv3_key
                .as_ref()
                .ok_or_else(|| Error::Config("--wechat-apiv3-key is required".into()))?;
            let mut platform_keys = Vec::new();
            for pair in &config.wechat_platform_key {
                let (serial, path) = pair
                    .split_once('=')
                    .ok_or_else(|| Error::Config(format!("--wechat-platform-key wants SERIAL=PATH, not {pair:?}")))?;
                platform_keys.push((serial.to_owned(), read(path.as_ref())?));
            }
            if platform_keys.is_empty() {
                return Err(Error::Config(
                    "--wechat-platform-key is required with --wechat-mchid".into(),
                ));
            }
            Some(wechat::WechatConfig::new(
                mchid.clone(),
                config.wechat_appid.clone(),
                &key.0,
                &platform_keys,
            )?)
        }
    };
    let alipay = match &config.alipay_app_id {
        None => None,
        Some(app_id) => {
            let path = config
                .alipay_public_key
                .as_ref()
                .ok_or_else(|| Error::Config("--alipay-public-key is required with --alipay-app-id".into()))?;
            Some(alipay::AlipayConfig::new(app_id.clone(), &read(path)?)?)
        }
    };
    let mut gateways: Vec<Arc<dyn Gateway>> = Vec::new();
    if let Some(path) = &config.alipay_private_key {
        let alipay = alipay.as_ref().ok_or_else(|| {
            Error::Config("--alipay-private-key needs --alipay-app-id and --alipay-public-key".into())
        })?;
        let key = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("--alipay-private-key: cannot read {}: {e}", path.display())))?;
        let notify_url = format!("{public_url}/api/pay/notify/alipay");
        let client = alipay::Client::new(alipay, &key, &config.alipay_gateway, notify_url).map_err(|e| {
            Error::Config(format!(
                "--alipay-private-key: {} is not an RSA private key: {e}",
                path.display()
            ))
        })?;
        gateways.push(Arc::new(client));
    }
    if !config.no_simulator {
        gateways.push(Arc::new(SimulatorGateway));
    }
    let wechat_oauth = match wechat_pay(config, wechat.as_ref(), public_url)? {
        Some((pay, oauth)) => {
            gateways.push(Arc::new(pay));
            oauth
        }
        None => None,
    };
    let secret = match &config.webhook_secret {
        Some(secret) => secret.0.clone(),
        None => {
            db.setting_or_insert("webhook_secret", &webhook::WebhookConfig::generate_secret)
                .await?
        }
    };
    Ok(Payments {
        wechat,
        wechat_oauth,
        alipay,
        webhook: webhook::WebhookConfig::new(&secret, config.webhook_merchant_id.clone())?,
        simulator: (!config.no_simulator).then(|| Simulator::new(self_url)),
        gateways: Gateways::new(gateways),
    })
}

/// WeChat Pay's API client, when the merchant key is given, and the OAuth that JSAPI needs, when
/// the official account's AppSecret is given too. Errors name the flag, never the key.
fn wechat_pay(
    config: &PaymentConfig,
    notifications: Option<&wechat::WechatConfig>,
    public_url: &str,
) -> Result<Option<(wechat::WechatPay, Option<wechat::Oauth>)>> {
    let Some(key_path) = &config.wechat_merchant_key else {
        return Ok(None);
    };
    let required = |value: &Option<String>, flag: &str| {
        value
            .clone()
            .ok_or_else(|| Error::Config(format!("{flag} is required with --wechat-merchant-key")))
    };
    let mchid = required(&config.wechat_mchid, "--wechat-mchid")?;
    let serial = required(&config.wechat_merchant_serial, "--wechat-merchant-serial")?;
    let appid = required(&config.wechat_appid, "--wechat-appid")?;
    // Set with the mchid: its platform keys verify the API's answers as well as notifications.
    let notifications = notifications.ok_or_else(|| Error::Config("--wechat-mchid is required".into()))?;
    let pem = std::fs::read_to_string(key_path).map_err(|e| {
        Error::Config(format!(
            "--wechat-merchant-key: cannot read {}: {e}",
            key_path.display()
        ))
    })?;
    let key = signing_key_from_pem(&pem).map_err(|e| {
        Error::Config(format!(
            "--wechat-merchant-key: {} is not an RSA private key ({e})",
            key_path.display()
        ))
    })?;
    let client = wechat::Client::new(
        &config.wechat_api_base,
        mchid,
        serial,
        key,
        notifications.platform_keys(),
    );
    let oauth = config.wechat_app_secret.as_ref().map(|secret| {
        wechat::Oauth::new(
            appid.clone(),
            secret.0.clone(),
            &config.wechat_open_base,
            &config.wechat_sns_base,
        )
    });
    let notify_url = format!("{public_url}/api/pay/notify/wechat");
    let pay = wechat::WechatPay::new(client, appid, notify_url, oauth.is_some());
    Ok(Some((pay, oauth)))
}
