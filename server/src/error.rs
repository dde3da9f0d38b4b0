//! The server's one error type. Each variant knows its HTTP status and a stable `code`; clients
//! get `{code, message}` (over WebSocket, an `error` message), and internal details are logged,
//! never sent.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orderbell_shared::{ErrorBody, OrderStatus};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("缺少或无效的凭证 (missing or invalid credential)")]
    Unauthorized,
    #[error("该凭证无权访问这里 (this credential is for another table, order or store)")]
    Forbidden,
    #[error("请先通过桌台链接加入 (a diner session is needed to change the cart)")]
    DinerRequired,
    #[error("{what} {id} 不存在 (not found)")]
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
    /// Too soon after the last 催单.
    #[error("催单太频繁，请 {retry_after_secs} 秒后再试 (too soon after the last reminder)")]
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
            Error::Unauthorized | Error::DinerRequired => StatusCode::UNAUTHORIZED,
            Error::Forbidden => StatusCode::FORBIDDEN,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::TooSoon { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Notification {
                code: "bad_signature" | "unknown_key",
                ..
            } => StatusCode::UNAUTHORIZED,
            Error::Notification { .. } => StatusCode::BAD_REQUEST,
            Error::BadRequest { status, .. } => *status,
            Error::Config(_) | Error::Json(_) | Error::Database(_) | Error::Migrate(_) | Error::Io(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthorized => "unauthorized",
            Error::Forbidden => "forbidden",
            Error::DinerRequired => "diner_required",
            Error::NotFound { code, .. }
            | Error::Invalid { code, .. }
            | Error::BadRequest { code, .. }
            | Error::Notification { code, .. }
            | Error::Conflict { code, .. } => code,
            Error::TooSoon { .. } => "reminder_too_soon",
            Error::Config(_) | Error::Json(_) | Error::Database(_) | Error::Migrate(_) | Error::Io(_) => "internal",
        }
    }

    /// What a client may be told: for server faults, nothing of their cause.
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            "服务器内部错误 (internal error)".to_owned()
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
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let Error::TooSoon { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = match &rejection {
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            JsonRejection::MissingJsonContentType(_) => "unsupported_media_type",
            JsonRejection::JsonSyntaxError(_) => "malformed_json",
            _ => "invalid_body",
        };
        Error::BadRequest {
            status,
            code,
            message: rejection.body_text(),
        }
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Error::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_query",
            message: rejection.body_text(),
        }
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Error::BadRequest {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_path",
            message: rejection.body_text(),
        }
    }
}
