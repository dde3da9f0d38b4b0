//! The server's one error type. Each variant knows its HTTP status and a stable `code`; clients
//! get `{code, message}` (over WebSocket, an `error` message), and internal details are logged,
//! never sent.

use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orderbell_shared::menu::RowError;
use orderbell_shared::{ErrorBody, OrderStatus};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Requests are small JSON documents; anything larger is refused before it is read
/// (`body_too_large`).
pub const MAX_BODY: usize = 16 * 1024;

/// What a revoked device is told, on its next request and on the streams it had open.
pub const DEVICE_REVOKED: &str = "此设备已被停用，请重新配对";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("缺少或无效的凭证：请重新扫描餐桌上的二维码，或重新配对")]
    Unauthorized,
    #[error("这个凭证无权访问这里：它属于别的餐桌、订单或门店")]
    Forbidden,
    /// A device credential the owner revoked.
    #[error("{}", DEVICE_REVOKED)]
    DeviceRevoked,
    /// A credential of the store whose role may not do this (a kitchen tablet editing the menu).
    #[error("{}", duty.who())]
    RoleNotAllowed { duty: crate::auth::Duty },
    #[error("请先扫描餐桌上的二维码加入点餐，再修改购物车")]
    DinerRequired,
    #[error("{what} {id} 不存在")]
    NotFound {
        code: &'static str,
        what: &'static str,
        id: i64,
    },
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The request does not fit the order's (or cart's) current state.
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        current: Option<OrderStatus>,
    },
    /// A menu import with problems, each with its row; nothing was imported.
    #[error("菜单没有导入，什么都没有改动：共 {} 处问题，{}", errors.len(), first_problem(errors))]
    Rows { errors: Vec<RowError> },
    /// Too soon after the last 催单.
    #[error("催单太频繁，请 {retry_after_secs} 秒后再试")]
    TooSoon { retry_after_secs: u64 },
    /// A payment notification that is not authentic or not readable. Nothing was changed.
    #[error("{message}")]
    Notification { code: &'static str, message: String },
    /// An extractor refused the request (malformed JSON, bad query, oversized body, …).
    #[error("{message}")]
    BadRequest {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// A payment provider gave no usable answer (creating, querying, closing, refunding).
    #[error("{0}")]
    Gateway(#[from] crate::payments::GatewayError),
    /// The configuration cannot be used (a key that does not parse, …): reported at startup.
    #[error("configuration: {0}")]
    Config(String),
    #[error("JSON encoding failed")]
    Json(#[from] serde_json::Error),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("I/O error")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            code,
            message: message.into(),
        }
    }

    /// A 400 with `code`: the request is malformed in a way the person can fix.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Error::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    pub fn table_not_found(table_id: i64) -> Self {
        Error::NotFound {
            code: "table_not_found",
            what: "桌台",
            id: table_id,
        }
    }

    pub fn order_not_found(order_id: i64) -> Self {
        Error::NotFound {
            code: "order_not_found",
            what: "订单",
            id: order_id,
        }
    }

    /// A notification refused; `code` is one of `bad_signature`, `unknown_key`,
    /// `stale_timestamp`, `decrypt_failed`, `malformed_notification`, `wrong_merchant`.
    pub fn notification(code: &'static str, message: impl Into<String>) -> Self {
        Error::Notification {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthorized | Error::DeviceRevoked | Error::DinerRequired => StatusCode::UNAUTHORIZED,
            Error::Forbidden | Error::RoleNotAllowed { .. } => StatusCode::FORBIDDEN,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::Invalid { .. } | Error::Rows { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::TooSoon { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Notification {
                code: "bad_signature" | "unknown_key",
                ..
            } => StatusCode::UNAUTHORIZED,
            Error::Notification { .. } => StatusCode::BAD_REQUEST,
            Error::BadRequest { status, .. } => *status,
            Error::Gateway(_) => StatusCode::BAD_GATEWAY,
            Error::Database(e) if Transient::of(e).is_some() => StatusCode::SERVICE_UNAVAILABLE,
            Error::Config(_) | Error::Json(_) | Error::Database(_) | Error::Migrate(_) | Error::Io(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthorized => "unauthorized",
            Error::Forbidden => "forbidden",
            Error::DeviceRevoked => "device_revoked",
            Error::RoleNotAllowed { .. } => "role_not_allowed",
            Error::DinerRequired => "diner_required",
            Error::NotFound { code, .. }
            | Error::Invalid { code, .. }
            | Error::BadRequest { code, .. }
            | Error::Notification { code, .. }
            | Error::Conflict { code, .. } => code,
            Error::TooSoon { .. } => "reminder_too_soon",
            Error::Rows { .. } => "invalid_import",
            Error::Gateway(crate::payments::GatewayError::Unavailable(_)) => "provider_unavailable",
            Error::Gateway(crate::payments::GatewayError::Refused { .. }) => "provider_refused",
            Error::Gateway(crate::payments::GatewayError::Untrusted) => "provider_untrusted",
            Error::Database(e) => Transient::of(e).map_or("internal", Transient::code),
            Error::Config(_) | Error::Json(_) | Error::Migrate(_) | Error::Io(_) => "internal",
        }
    }

    /// What a client may be told: for server faults, nothing of their cause.
    pub fn public_message(&self) -> String {
        if let Error::Database(e) = self
            && let Some(transient) = Transient::of(e)
        {
            return transient.message().to_owned();
        }
        // A provider's failure is said as it is: the customer can try again or pay another way.
        if self.status().is_server_error() && !matches!(self, Error::Gateway(_)) {
            "服务器内部错误，请稍后再试".to_owned()
        } else {
            self.to_string()
        }
    }

    pub fn body(&self) -> ErrorBody {
        if self.status().is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        ErrorBody {
            code: self.code().to_owned(),
            message: self.public_message(),
            current_status: match self {
                Error::Conflict { current, .. } => *current,
                _ => None,
            },
            retry_after_secs: match self {
                Error::TooSoon { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            },
            errors: match self {
                Error::Rows { errors } => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// A database fault the same request rides out when sent again: the answer is 503, which a
/// payment provider retries like any 5xx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transient {
    /// The database cannot be reached (PostgreSQL stopped or restarting, its network down).
    Unreachable,
    /// Another transaction held what this one needed (a deadlock, a serialization failure,
    /// SQLite's lock past its busy timeout). The transaction was rolled back, so nothing is
    /// half-written and an immediate retry succeeds.
    Busy,
}

impl Transient {
    fn of(e: &sqlx::Error) -> Option<Self> {
        match e {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => Some(Transient::Unreachable),
            sqlx::Error::Database(e) => match e.code()?.as_ref() {
                // PostgreSQL's connection exceptions (08…) and shutting down or starting up (57P…).
                c if c.starts_with("08") || c.starts_with("57P") => Some(Transient::Unreachable),
                // PostgreSQL's serialization failure and deadlock.
                "40001" | "40P01" => Some(Transient::Busy),
                // SQLite's extended result codes are numbers of at most four digits (PostgreSQL's
                // SQLSTATEs always have five characters); their low byte is the primary code, and
                // SQLITE_BUSY (5) or SQLITE_LOCKED (6) mean another connection held the lock.
                c if c.len() < 5 => c
                    .parse::<u32>()
                    .ok()
                    .filter(|c| matches!(c & 0xff, 5 | 6))
                    .map(|_| Transient::Busy),
                _ => None,
            },
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Transient::Unreachable => "database_unavailable",
            Transient::Busy => "database_busy",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Transient::Unreachable => "暂时连不上数据库，请稍等片刻再试",
            Transient::Busy => "数据库正忙，请重试一次",
        }
    }

    /// Seconds a client should wait: a busy database is free again at once; an unreachable one
    /// comes back when it comes back, so no promise is made.
    fn retry_after_secs(self) -> Option<u64> {
        match self {
            Transient::Unreachable => None,
            Transient::Busy => Some(1),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let retry_after_secs = match &self {
            Error::TooSoon { retry_after_secs } => Some(*retry_after_secs),
            Error::Database(e) => Transient::of(e).and_then(Transient::retry_after_secs),
            _ => None,
        };
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Some(secs) = retry_after_secs {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let (code, message) = match &rejection {
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", too_large()),
            JsonRejection::MissingJsonContentType(_) => (
                "unsupported_media_type",
                "请求体必须是 JSON（Content-Type: application/json）".to_owned(),
            ),
            JsonRejection::JsonSyntaxError(_) => ("malformed_json", "请求体不是有效的 JSON".to_owned()),
            _ => ("invalid_body", field_message("请求体", &rejection.body_text())),
        };
        Error::BadRequest { status, code, message }
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Error::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_query",
            message: field_message("地址里的参数", &rejection.body_text()),
        }
    }
}

impl From<PathRejection> for Error {
    fn from(_: PathRejection) -> Self {
        Error::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_path",
            message: "地址里的编号必须是整数".to_owned(),
        }
    }
}

impl From<BytesRejection> for Error {
    fn from(rejection: BytesRejection) -> Self {
        let status = rejection.status();
        let (code, message) = if status == StatusCode::PAYLOAD_TOO_LARGE {
            ("body_too_large", too_large())
        } else {
            ("invalid_body", "没能读完请求体，请重试".to_owned())
        };
        Error::BadRequest { status, code, message }
    }
}

impl From<WebSocketUpgradeRejection> for Error {
    fn from(rejection: WebSocketUpgradeRejection) -> Self {
        let status = rejection.status();
        let (code, message) = if status == StatusCode::METHOD_NOT_ALLOWED {
            ("method_not_allowed", "WebSocket 连接只能用 GET 发起")
        } else {
            ("websocket_required", "这是 WebSocket 地址：请用 WebSocket 客户端连接")
        };
        Error::BadRequest {
            status,
            code,
            message: message.to_owned(),
        }
    }
}

/// The first problem of an import, as the message's example; `errors` lists them all.
fn first_problem(errors: &[RowError]) -> String {
    match errors.first() {
        Some(e) => match &e.field {
            Some(field) => format!("第 {} 行「{field}」：{}", e.row, e.message),
            None => format!("第 {} 行：{}", e.row, e.message),
        },
        None => String::new(),
    }
}

fn too_large() -> String {
    format!("请求体太大：最多 {} KiB", MAX_BODY / 1024)
}

/// Which field was wrong, from serde's words (`missing field `tableId``): the field's name is
/// what helps the person fixing the request.
fn field_message(whole: &str, detail: &str) -> String {
    match detail.split('`').nth(1) {
        Some(field) if !field.is_empty() => format!("{whole}的字段「{field}」缺失或格式不对"),
        _ => format!("{whole}的格式不对"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::error::Error as StdError;

    /// A database's refusal with the code a chosen engine would give.
    #[derive(Debug)]
    struct Refusal(&'static str);

    impl std::fmt::Display for Refusal {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "refused with {}", self.0)
        }
    }

    impl StdError for Refusal {}

    impl sqlx::error::DatabaseError for Refusal {
        fn message(&self) -> &str {
            self.0
        }

        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }

        fn as_error(&self) -> &(dyn StdError + Send + Sync + 'static) {
            self
        }

        fn as_error_mut(&mut self) -> &mut (dyn StdError + Send + Sync + 'static) {
            self
        }

        fn into_error(self: Box<Self>) -> Box<dyn StdError + Send + Sync + 'static> {
            self
        }

        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn refused(code: &'static str) -> Error {
        Error::Database(sqlx::Error::Database(Box::new(Refusal(code))))
    }

    fn retry_after(error: Error) -> Option<String> {
        let response = error.into_response();
        let header = response.headers().get(RETRY_AFTER)?;
        Some(header.to_str().unwrap_or_default().to_owned())
    }

    #[test]
    fn a_deadlock_or_a_lock_held_elsewhere_is_busy_and_retried_at_once() {
        // PostgreSQL: serialization failure, deadlock. SQLite: BUSY, LOCKED, BUSY_SNAPSHOT (517).
        for code in ["40001", "40P01", "5", "6", "517"] {
            let error = refused(code);
            assert_eq!(
                error.status(),
                StatusCode::SERVICE_UNAVAILABLE,
                "{code}: a 5xx providers retry"
            );
            assert_eq!(error.code(), "database_busy", "{code}");
            assert_eq!(error.public_message(), "数据库正忙，请重试一次", "{code}");
            assert_eq!(
                error.body().code,
                "database_busy",
                "{code}: streams carry the same code"
            );
            assert_eq!(retry_after(error).as_deref(), Some("1"), "{code}: nothing to wait for");
        }
    }

    #[test]
    fn a_lost_connection_is_unavailable_without_a_promised_wait() {
        let error = refused("08006");
        assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(error.code(), "database_unavailable");
        assert_eq!(error.public_message(), "暂时连不上数据库，请稍等片刻再试");
        assert_eq!(retry_after(error), None);
    }

    #[test]
    fn other_database_faults_stay_internal_and_say_nothing_of_their_cause() {
        // PostgreSQL's unique violation, SQLite's CONSTRAINT_UNIQUE (2067) and CORRUPT (11).
        for code in ["23505", "2067", "11"] {
            let error = refused(code);
            assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR, "{code}");
            assert_eq!(error.code(), "internal", "{code}");
            assert_eq!(error.public_message(), "服务器内部错误，请稍后再试", "{code}");
            assert_eq!(retry_after(error), None, "{code}");
        }
    }
}
