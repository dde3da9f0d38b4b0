//! Stores as customers meet them, end to end: the settings and logo the owner changes, and the
//! orders a closed or paused store refuses.

mod logo;
mod settings;

use orderbell_shared::ErrorBody;

/// Assert a refused request: its status and stable code.
pub async fn refused(response: reqwest::Response, status: u16, code: &str) -> ErrorBody {
    assert_eq!(response.status(), status, "expected {status} {code}");
    let body: ErrorBody = response.json().await.expect("errors are JSON {code, message}");
    assert_eq!(body.code, code);
    body
}
