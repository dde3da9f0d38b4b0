//! `POST /api/pay/notify/{provider}`: verify first, then apply once, then answer in the
//! provider's own words so that it stops (or keeps) retrying.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use orderbell_shared::ErrorBody;
use serde_json::json;

use super::{Notice, Provider, alipay, webhook, wechat};
use crate::error::{Error, Result};
use crate::extract::{Body, Path};
use crate::state::AppState;
use crate::{charges, refunds};

#[utoipa::path(post, path = "/api/pay/notify/{provider}", tag = "payments",
    summary = "支付渠道的签名回调：wechat（微信支付 v3）、alipay（支付宝 RSA2）、hmac（Standard Webhooks，含内置模拟器）",
    params(("provider" = String, Path, description = "wechat、alipay 或 hmac")),
    request_body(content = String, description = "渠道原样的通知正文，先验签再处理", content_type = "application/json"),
    responses(
        (status = 200, description = "已处理（重复通知同样回答成功）；按渠道的格式回答"),
        (status = "4XX", body = ErrorBody, description = "签名无效、时间过期、无法解密或格式错误：什么都没改变"),
    ),
    security(())
)]
pub async fn notify(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    Body(body): Body,
) -> Response {
    let Some(provider) = Provider::parse(&provider) else {
        let unknown = Error::BadRequest {
            status: StatusCode::NOT_FOUND,
            code: "unknown_provider",
            message: format!("没有支付渠道 {provider:?}：只有 wechat、alipay 和 hmac"),
        };
        return unknown.into_response();
    };
    let outcome = handle(&state, provider, &headers, &body).await;
    let counted = match &outcome {
        Ok(outcome) => *outcome,
        Err(e) => {
            tracing::warn!(provider = provider.as_str(), code = e.code(), error = %e, "payment notification refused");
            e.code()
        }
    };
    state.metrics.payment_notification(provider.as_str(), counted);
    answer(provider, outcome)
}

/// Apply a notification; the outcome names what it did, for the metrics.
async fn handle(state: &AppState, provider: Provider, headers: &HeaderMap, body: &[u8]) -> Result<&'static str> {
    let now_secs = state.clock.now_ms() / 1000;
    let not_configured = || Error::BadRequest {
        status: StatusCode::NOT_FOUND,
        code: "provider_not_configured",
        message: format!("本服务器没有配置支付渠道 {}", provider.as_str()),
    };
    let payments = &state.payments;
    let notice = match provider {
        Provider::Wechat => wechat::verify(
            payments.wechat.as_ref().ok_or_else(not_configured)?,
            headers,
            body,
            now_secs,
        )?,
        Provider::Alipay => alipay::verify(payments.alipay.as_ref().ok_or_else(not_configured)?, body)?,
        Provider::Hmac => Notice::Payment(webhook::verify(&payments.webhook, headers, body, now_secs)?),
    };
    match notice {
        Notice::Payment(payment) => {
            let outcome = charges::receive(state, &payment).await?;
            tracing::info!(provider = provider.as_str(), ?outcome, "payment notification");
            Ok(outcome.label())
        }
        Notice::Refund(refund) => {
            refunds::confirm(state, &refund).await?;
            Ok("refund")
        }
    }
}

/// Success stops the provider's retries; failure asks for them (and for server faults, a retry
/// is exactly right).
fn answer(provider: Provider, outcome: Result<&'static str>) -> Response {
    match (provider, outcome) {
        // Alipay wants exactly `success`; anything else means "send it again".
        (Provider::Alipay, Ok(_)) => ([(CONTENT_TYPE, "text/plain")], "success").into_response(),
        (Provider::Wechat, Ok(_)) => StatusCode::NO_CONTENT.into_response(),
        (Provider::Wechat, Err(e)) => (
            e.status(),
            axum::Json(json!({ "code": "FAIL", "message": e.public_message() })),
        )
            .into_response(),
        (Provider::Hmac, Ok(_)) => StatusCode::NO_CONTENT.into_response(),
        // Alipay retries on anything but `success`, so it takes our usual error as well.
        (Provider::Hmac | Provider::Alipay, Err(e)) => e.into_response(),
    }
}
