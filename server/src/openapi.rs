//! The HTTP API described in OpenAPI 3.1, served at `/api/openapi.json`.
//!
//! The document is not written beside the routes but made from them: every module registers its
//! handlers with `utoipa_axum::routes!`, which mounts each handler and adds its `#[utoipa::path]`
//! description in the same call, so nothing can be mounted without being described. (Clippy
//! forbids the plain `Router::route` in this crate: `clippy.toml`.) The tests check the reverse
//! too, by calling every operation the document lists.

use axum::Router;
use axum::routing::get;
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi, Server};
use utoipa::{Modify, OpenApi as _};

use crate::state::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Orderbell",
        description = "餐厅点单与提醒：菜单、每桌共享购物车、订单与支付、催单，以及把每个变化推给该听到的人的持久事件流（SSE 与 WebSocket）。\n\n错误一律为 HTTP 4xx/5xx 加 JSON `{code, message}`：`code` 供程序判断，`message` 是给人看的中文。",
    ),
    modifiers(&Credentials),
    tags(
        (name = "menu", description = "门店菜单"),
        (name = "carts", description = "每桌共享购物车"),
        (name = "tables", description = "餐桌、桌台链接与食客"),
        (name = "orders", description = "订单：下单、接单、出餐、完成、取消"),
        (name = "bills", description = "堂食账单：每桌一轮客人一张账单，结账、清台、在线支付、换桌、并台、桌台图"),
        (name = "payments", description = "支付与支付渠道回调"),
        (name = "reminders", description = "催单与回复"),
        (name = "streams", description = "持久事件流（SSE / WebSocket），断线用 Last-Event-ID 续传"),
        (name = "devices", description = "门店设备与在线状态"),
        (name = "alerts", description = "提醒是否被听到：回执、升级、未响应记录"),
        (name = "stores", description = "门店：创建（运营方），营业设置：店名、公告、营业时间、暂停接单"),
        (name = "books", description = "账目：订单历史、日结与 CSV 导出"),
        (name = "printers", description = "打印机：每台由门店的一台设备负责打印"),
        (name = "pages", description = "服务器自带的网页（顾客点单页、后厨看板）"),
        (name = "ops", description = "运维：Prometheus 指标、存活与就绪检查"),
    )
)]
pub struct ApiDoc;

/// The document with nothing mounted yet; the router adds every path.
pub fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/openapi.json`. Served beside the routes it describes, so it describes itself by hand.
pub fn serve(mut doc: OpenApi, public_url: &str) -> Router<AppState> {
    doc.servers = Some(vec![Server::new(public_url)]);
    let json = std::sync::Arc::new(doc.to_json().unwrap_or_default());
    #[allow(clippy::disallowed_methods)] // the one route outside the document: the document itself
    Router::new().route(
        "/api/openapi.json",
        get(move || async move {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                (*json).clone(),
            )
        }),
    )
}

/// The three ways a credential may come (README "Opening a table"), as security schemes.
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "query",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::new("token"))),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::COOKIE_NAME))),
        );
        // Any one of them; operations open to anyone say `security(())`.
        doc.security = Some(
            ["bearer", "query", "cookie"]
                .map(|scheme| SecurityRequirement::new(scheme, Vec::<String>::new()))
                .into(),
        );
    }
}
