//! The web pages the server itself serves: the customer's ordering page (what a table's QR link
//! opens), the payment simulator's cashier page, and the kitchen board. The files are compiled
//! into the binary, so there is nothing else to deploy or start.
//!
//! Every page is served with a strict Content-Security-Policy: scripts and styles come only from
//! these files, so text a customer typed (a remark, say) can never run as code, even if a page
//! forgot to treat it as text.
//!
//! Pages that follow a stream carry the server's heartbeat interval (`data-heartbeat-secs` on
//! `<body>`), so they can tell a silent dead connection from a quiet one.

use std::time::Duration;

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderName};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Error;
use crate::extract::Path;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(kitchen))
        .routes(routes!(cashier))
        .routes(routes!(asset))
}

/// The page's credential comes after it loads (from the address or the browser's storage).
#[utoipa::path(get, path = "/kitchen", tag = "pages",
    summary = "后厨看板（网页）：凭证放在 ?token=，页面读取后从地址栏移除",
    responses((status = 200, content_type = "text/html", description = "网页")),
    security(())
)]
async fn kitchen(State(state): State<AppState>) -> Response {
    page(KITCHEN, state.heartbeat)
}

#[utoipa::path(get, path = "/pay/{order_id}", tag = "pages",
    summary = "支付模拟器的收银台（网页）",
    params(("order_id" = i64, Path, description = "订单 id")),
    responses((status = 200, content_type = "text/html", description = "网页")),
    security(())
)]
async fn cashier(State(state): State<AppState>) -> Response {
    page(CASHIER, state.heartbeat)
}

pub const TABLE: &str = include_str!("../web/table.html");
const KITCHEN: &str = include_str!("../web/kitchen.html");
const CASHIER: &str = include_str!("../web/cashier.html");
/// What a phone sees at a table's address without a valid link: what to do, not an error body.
const SCAN_PROMPT: &str = include_str!("../web/scan.html");
/// Where the pages' HTML takes the heartbeat interval.
const HEARTBEAT_SLOT: &str = "{heartbeat_secs}";

/// The assets by name, with their content types.
const ASSETS: &[(&str, &str, &str)] = &[
    ("app.css", "text/css; charset=utf-8", include_str!("../web/app.css")),
    (
        "common.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/common.js"),
    ),
    (
        "table.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/table.js"),
    ),
    (
        "bill.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/bill.js"),
    ),
    (
        "pay.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/pay.js"),
    ),
    (
        "refunds.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/refunds.js"),
    ),
    (
        "customer-menu.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/customer-menu.js"),
    ),
    (
        "kitchen.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/kitchen.js"),
    ),
    (
        "cashier.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/cashier.js"),
    ),
];

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn headers(content_type: &'static str) -> [(HeaderName, HeaderValue); 5] {
    [
        (CONTENT_TYPE, HeaderValue::from_static(content_type)),
        // Pages and scripts change with the binary; always revalidate.
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(CSP),
        ),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
        // Table links carry their token in the URL: never hand it to another site.
        (
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ),
    ]
}

/// An HTML page, told the stream's heartbeat interval.
pub fn page(html: &'static str, heartbeat: Duration) -> Response {
    let html = html.replace(HEARTBEAT_SLOT, &heartbeat.as_secs().to_string());
    (headers("text/html; charset=utf-8"), html).into_response()
}

/// The page asking to scan the table's QR code, with the status of the refused credential.
pub fn scan_prompt(status: StatusCode) -> Response {
    (status, headers("text/html; charset=utf-8"), SCAN_PROMPT).into_response()
}

#[utoipa::path(get, path = "/assets/{file}", tag = "pages",
    summary = "网页用到的脚本与样式",
    params(("file" = String, Path, description = "文件名")),
    responses((status = 200, description = "文件"), (status = 404, body = orderbell_shared::ErrorBody, description = "asset_not_found")),
    security(())
)]
async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => (headers(content_type), *body).into_response(),
        None => Error::BadRequest {
            status: StatusCode::NOT_FOUND,
            code: "asset_not_found",
            message: file,
        }
        .into_response(),
    }
}
