//! Sending notifications to the merchant's `notify_url`, retried while it is not accepted, as
//! the providers do (on a much shorter schedule), and as the faults say.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;

use crate::faults::NotifyMode;
use crate::signers::sign_message;
use crate::{Fake, Provider, now};

/// Waits before each retry; WeChat's real schedule is 15 s … 3 h, Alipay's 4 min … 15 h.
const RETRIES: [Duration; 5] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
];

/// A notification to send: WeChat's JSON (signed afresh at each attempt) or Alipay's signed form.
pub(crate) struct Notification {
    pub provider: Provider,
    pub url: String,
    pub body: String,
}

/// Sends `notification` in the background, as the faults in force say.
pub(crate) fn send(fake: &Arc<Fake>, notification: Notification) {
    let faults = fake.faults.get();
    let fake = fake.clone();
    tokio::spawn(async move {
        match faults.notify {
            NotifyMode::Drop => {}
            NotifyMode::Deliver => deliver(&fake, &notification).await,
            NotifyMode::Duplicate => {
                deliver(&fake, &notification).await;
                deliver(&fake, &notification).await;
            }
            NotifyMode::Delay => {
                tokio::time::sleep(Duration::from_millis(faults.delay_ms)).await;
                deliver(&fake, &notification).await;
            }
        }
    });
}

async fn deliver(fake: &Fake, notification: &Notification) {
    if attempt(fake, notification).await {
        return;
    }
    for wait in RETRIES {
        tokio::time::sleep(wait).await;
        if attempt(fake, notification).await {
            return;
        }
    }
}

/// Whether the merchant accepted it: WeChat wants any 2xx, Alipay the body `success`.
async fn attempt(fake: &Fake, notification: &Notification) -> bool {
    let request = fake.http.post(&notification.url).timeout(Duration::from_secs(5));
    let request = match notification.provider {
        Provider::Wechat => {
            let keys = &fake.keys;
            let signed = sign_message(
                &keys.wechat_platform_key,
                &keys.wechat.platform_serial,
                &notification.body,
                now().timestamp(),
            );
            signed
                .headers
                .iter()
                .fold(request, |request, (name, value)| request.header(name, value))
                .header(CONTENT_TYPE, "application/json")
        }
        Provider::Alipay => request.header(CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8"),
    };
    let Ok(response) = request.body(notification.body.clone()).send().await else {
        return false;
    };
    let status = response.status();
    match notification.provider {
        Provider::Wechat => status.is_success(),
        Provider::Alipay => status.is_success() && response.text().await.is_ok_and(|text| text.trim() == "success"),
    }
}
