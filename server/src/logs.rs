//! Logs: human-readable text, or one JSON object a line for a log collector (`--log-format
//! json`), with every line written while serving a request carrying that request's id.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use clap::ValueEnum;
use tracing::Span;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Start logging to stderr: stdout carries what the commands print (links, credentials) for
/// scripts. `RUST_LOG` chooses what is logged (`info,tower_http=debug` adds a line per request).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        // Each line's `span` (and `spans`) carries the request's id, method and route.
        LogFormat::Json => logs.json().init(),
    }
}

pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Keep the request id a proxy sent (nginx's `$request_id`, say) or make one, and return it on
/// the response, so that a client's report and a log line can be matched. An id that is not a
/// short plain token is replaced, never copied into logs as it came.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = match request.headers().get(&REQUEST_ID) {
        Some(id) if plain(id) => id.clone(),
        _ => {
            let id = format!("{:032x}", rand::random::<u128>());
            let id = HeaderValue::from_str(&id).expect("hex is a valid header value");
            request.headers_mut().insert(REQUEST_ID.clone(), id.clone());
            id
        }
    };
    let mut response = next.run(request).await;
    response.headers_mut().insert(REQUEST_ID.clone(), id);
    response
}

fn plain(id: &HeaderValue) -> bool {
    let id = id.as_bytes();
    (1..=64).contains(&id.len()) && id.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// The span each request is served in (`TraceLayer`'s), named by its id. At error level: a span
/// is filtered like an event, and one below the filter (`RUST_LOG=warn` and an info span) would
/// take the id off the very lines that need it. Its level only decides whether it exists.
pub fn span(request: &Request) -> Span {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|id| id.to_str().ok())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| request.uri().path(), |path| path.as_str());
    tracing::error_span!("request", request_id = %id, method = %request.method(), route = %route)
}
