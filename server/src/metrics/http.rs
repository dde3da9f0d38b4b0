//! How long each HTTP request takes, by route pattern, method and status class.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Time a request until its response's head is ready. For a stream (SSE, a WebSocket upgrade)
/// that is its opening, not its life.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Unmatched addresses (404s, scans) share one series rather than one each.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let class = format!("{}xx", response.status().as_u16() / 100);
    state
        .metrics
        .requests
        .get_or_create(&[("route", route), ("method", method), ("status", class)])
        .observe(started.elapsed());
    response
}
