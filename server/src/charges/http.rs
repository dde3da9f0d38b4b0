//! `GET /api/pay/methods`, and creating a charge of an order (`POST /api/orders/{id}/charges`,
//! 先付后吃) or of a table's bill (`POST /api/bills/{id}/charges`, 先吃后付) on the channel the
//! customer page picked.

use std::net::{IpAddr, SocketAddr};

use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use orderbell_shared::charges::{ChargeDTO, ChargeRequest, ChargeStatus, PayChannel, PayMethods};
use orderbell_shared::{ErrorBody, Money, OrderStatus};
use serde::Deserialize;

use super::{close, rules};
use crate::auth::Credential;
use crate::bills::payable_bill;
use crate::domain::charges::{ChargeRow, Paid};
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::net::Peer;
use crate::orders::transition_conflict;
use crate::payments::{ChargeOrder, ChargeStart};
use crate::state::AppState;
use crate::tables::Code;

#[utoipa::path(get, path = "/api/pay/methods", tag = "payments",
    summary = "本服务器现在能用的支付方式（无需凭证）：顾客页据此和所在环境选择",
    responses((status = 200, body = PayMethods)),
    security(())
)]
pub async fn methods(State(state): State<AppState>) -> Json<PayMethods> {
    let channels = state.payments.gateways.channels();
    let wechat_oauth = channels
        .contains(&PayChannel::WechatJsapi)
        .then(|| "/api/pay/wechat/oauth".to_owned());
    Json(PayMethods { channels, wechat_oauth })
}

/// The request as sent: an unknown channel is refused in our words, not serde's.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requested {
    channel: String,
    #[serde(default)]
    openid: Option<String>,
}

/// Where the request came from, as the provider wants it (`wechat_h5`'s `payer_client_ip`).
pub struct Caller {
    headers: HeaderMap,
    socket: Option<SocketAddr>,
}

impl Caller {
    /// Behind a reverse proxy the socket is the proxy's: the first `X-Forwarded-For` hop is the
    /// phone's.
    fn ip(&self) -> String {
        let forwarded = self
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        forwarded
            .or(self.socket.map(|s| s.ip()))
            .map_or_else(|| "127.0.0.1".to_owned(), |ip| ip.to_string())
    }
}

#[utoipa::path(post, path = "/api/orders/{order_id}/charges", tag = "payments",
    summary = "在支付渠道为订单创建支付（订单凭证）：同一渠道再点一次得到同一笔",
    params(("order_id" = i64, Path, description = "订单 id")),
    request_body = ChargeRequest,
    responses(
        (status = 201, body = ChargeDTO, description = "新建的支付"),
        (status = 200, body = ChargeDTO, description = "这笔订单在这个渠道上仍未支付的那笔，原样再给"),
        (status = 502, body = ErrorBody, description = "支付渠道无法访问或拒绝了请求"),
        (status = "4XX", body = ErrorBody, description = "409 invalid_transition；422 channel_unavailable / openid_required"),
    )
)]
pub async fn charge_order(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(order_id): Path<i64>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<Peer>>>,
    Json(requested): Json<Requested>,
) -> Result<(StatusCode, Json<ChargeDTO>)> {
    grant.for_order(order_id)?;
    let order = state
        .db
        .order(order_id)
        .await?
        .ok_or_else(|| Error::order_not_found(order_id))?;
    if order.status != OrderStatus::PendingPayment {
        return Err(transition_conflict(&order));
    }
    let timeout = i64::try_from(state.unpaid_timeout.as_millis()).unwrap_or(i64::MAX);
    let target = Target {
        paid: Paid::Order(order_id),
        store_id: order.store_id,
        number: order.order_no.clone(),
        table_id: order.table_id,
        table_number: order.table_number.clone(),
        amount: order.total_amount,
        expires_at: order.created_at.saturating_add(timeout),
    };
    let caller = Caller {
        headers,
        socket: peer.map(|Extension(ConnectInfo(Peer(s)))| s),
    };
    charge(&state, &target, requested, &caller).await
}

#[utoipa::path(post, path = "/api/bills/{bill_id}/charges", tag = "payments",
    summary = "在支付渠道为整张账单创建支付（本桌这一轮的食客凭证）：同一渠道、同一金额再点一次得到同一笔",
    params(("bill_id" = i64, Path, description = "账单 id")),
    request_body = ChargeRequest,
    responses(
        (status = 201, body = ChargeDTO, description = "新建的支付"),
        (status = 200, body = ChargeDTO, description = "这张账单在这个渠道上同一金额仍未支付的那笔，原样再给"),
        (status = 502, body = ErrorBody, description = "支付渠道无法访问或拒绝了请求"),
        (status = "4XX", body = ErrorBody, description = "409 bill_not_open / nothing_owed；422 channel_unavailable / openid_required"),
    )
)]
pub async fn charge_bill(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(bill_id): Path<i64>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<Peer>>>,
    Json(requested): Json<Requested>,
) -> Result<(StatusCode, Json<ChargeDTO>)> {
    let (bill, _) = payable_bill(&state, grant, bill_id).await?;
    let timeout = i64::try_from(state.unpaid_timeout.as_millis()).unwrap_or(i64::MAX);
    let target = Target {
        paid: Paid::Bill(bill_id),
        store_id: bill.store_id,
        number: orderbell_shared::bills::bill_no(bill_id),
        table_id: bill.table_id,
        table_number: bill.table_number.clone(),
        amount: bill.owed,
        // A bill has no unpaid timeout; its payment is held open as long as an order's.
        expires_at: state.clock.now_ms().saturating_add(timeout),
    };
    let caller = Caller {
        headers,
        socket: peer.map(|Extension(ConnectInfo(Peer(s)))| s),
    };
    charge(&state, &target, requested, &caller).await
}

/// What is being paid.
struct Target {
    paid: Paid,
    store_id: i64,
    /// `OB…` or `BL…`.
    number: String,
    table_id: i64,
    table_number: String,
    amount: Money,
    expires_at: i64,
}

async fn charge(
    state: &AppState,
    target: &Target,
    requested: Requested,
    caller: &Caller,
) -> Result<(StatusCode, Json<ChargeDTO>)> {
    let (channel, gateway) = PayChannel::parse(&requested.channel)
        .and_then(|c| Some((c, state.payments.gateways.for_channel(c)?.clone())))
        .ok_or_else(|| {
            Error::invalid(
                "channel_unavailable",
                format!("本店现在不能用「{}」付款：请换一种支付方式", requested.channel),
            )
        })?;
    let openid = requested.openid.filter(|o| !o.trim().is_empty());
    if channel == PayChannel::WechatJsapi && openid.is_none() {
        return Err(Error::invalid(
            "openid_required",
            "在微信里付款要先取得您的微信身份：请刷新页面再点一次支付",
        ));
    }
    let charges = state.db.charges_of(target.paid).await?;
    if let Some(open) = rules::reusable(&charges, channel, target.amount) {
        return Ok((StatusCode::OK, Json(serde_json::from_str(&open.start_json)?)));
    }
    let now = state.clock.now_ms();
    let store = state
        .db
        .store(target.store_id)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let order = ChargeOrder {
        channel,
        trade_no: rules::next_trade_no(&target.number, &charges),
        amount: target.amount,
        description: format!("{store} {}号桌 {}", target.table_number, target.number),
        openid,
        client_ip: caller.ip(),
        return_url: format!("{}/t/{}", state.public_url, target.table_id),
        expires_at: target.expires_at,
    };
    let start = gateway.create(&order).await?;
    let dto = dto(&order, start, now)?;
    let row = ChargeRow {
        store_id: target.store_id,
        paid: target.paid,
        trade_no: order.trade_no.clone(),
        provider: gateway.provider().as_str().to_owned(),
        channel,
        amount: target.amount,
        status: ChargeStatus::Open,
        start_json: serde_json::to_string(&dto)?,
        created_at: now,
        queries: 0,
        next_query_at: rules::next_query_at(now, 0),
    };
    if !state.db.insert_charge(&row).await? {
        return Err(Error::Conflict {
            code: "charge_busy",
            message: "正在为它创建支付：请稍候再点一次".into(),
            current: None,
        });
    }
    supersede(state, charges);
    Ok((StatusCode::CREATED, Json(dto)))
}

/// The customer page's view of a charge just created.
fn dto(order: &ChargeOrder, start: ChargeStart, now: i64) -> Result<ChargeDTO> {
    let mut dto = ChargeDTO {
        trade_no: order.trade_no.clone(),
        channel: order.channel,
        amount: order.amount,
        status: ChargeStatus::Open,
        qr_code: None,
        qr_svg: None,
        redirect_url: None,
        jsapi: None,
        created_at: now,
    };
    match start {
        ChargeStart::QrCode(text) => {
            dto.qr_svg = Some(Code::new(&text)?.svg());
            dto.qr_code = Some(text);
        }
        ChargeStart::Redirect(url) => dto.redirect_url = Some(url),
        ChargeStart::Jsapi(params) => dto.jsapi = Some(params),
    }
    Ok(dto)
}

/// The charges a new one replaces are closed at their providers, so that the customer cannot pay
/// twice; best-effort and not waited for (reconciliation closes what this misses).
fn supersede(state: &AppState, charges: Vec<ChargeRow>) {
    let open: Vec<ChargeRow> = charges.into_iter().filter(|c| c.status == ChargeStatus::Open).collect();
    if open.is_empty() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        for charge in open {
            if let Err(e) = close(&state, &charge).await {
                tracing::warn!(trade_no = %charge.trade_no, error = %e, "closing a replaced charge failed");
            }
        }
    });
}
