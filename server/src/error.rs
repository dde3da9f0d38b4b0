//! The server's one error type. Each variant knows its HTTP status and a stable `code`; clients
//! get `{code, message}` (over WebSocket, an `error` message), and internal details are logged,
//! never sent.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use orderbell_shared::ErrorBody;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("缺少或无效的凭证 (missing or invalid credential)")]
    Unauthorized,
    #[error("该凭证无权访问此桌 (this credential is for another table)")]
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
    /// An extractor refused the request (malformed JSON, bad query, oversized body, …).
    #[error("{message}")]
    BadRequest {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
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

    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthorized | Error::DinerRequired => StatusCode::UNAUTHORIZED,
            Error::Forbidden => StatusCode::FORBIDDEN,
            Error::NotFound { .. } => StatusCode::NOT_FOUND,
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::BadRequest { status, .. } => *status,
            Error::Database(_) | Error::Migrate(_) | Error::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthorized => "unauthorized",
            Error::Forbidden => "forbidden",
            Error::DinerRequired => "diner_required",
            Error::NotFound { code, .. } | Error::Invalid { code, .. } | Error::BadRequest { code, .. } => code,
            Error::Database(_) | Error::Migrate(_) | Error::Io(_) => "internal",
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
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(self.body())).into_response()
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
