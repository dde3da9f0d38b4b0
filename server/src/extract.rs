//! axum's extractors, with their rejections turned into our JSON errors.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request, WebSocketUpgrade};
use axum::http::request::Parts;

use crate::error::Error;

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

/// A raw body (payment notifications are verified over their exact bytes).
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        Ok(Body(Bytes::from_request(req, state).await?))
    }
}

/// A WebSocket handshake; a plain HTTP request to a socket's address gets a JSON error.
pub struct Upgrade(pub WebSocketUpgrade);

/// What a socket reads into at a time. tungstenite's default (128 KiB) is zero-filled on the
/// first read and kept for the socket's life: ~120 KiB of memory per idle socket, for client
/// messages of a few hundred bytes (a larger one is read in several steps).
const READ_BUFFER: usize = 4 * 1024;

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        let upgrade = WebSocketUpgrade::from_request_parts(parts, state).await?;
        Ok(Upgrade(upgrade.read_buffer_size(READ_BUFFER)))
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}
