//! Reading a server's `/metrics` as Prometheus does: the ops, scale-out and gateway targets check
//! the figures an operator relies on.

use crate::Api;

/// `GET /metrics` on `api`'s own address, checked for the format Prometheus reads.
pub async fn scrape(api: &Api) -> String {
    let response = api.http.get(api.url("/metrics")).send().await.expect("scrape");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("ASCII").to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = response.text().await.expect("text");
    assert!(text.ends_with("# EOF\n"), "a whole exposition");
    text
}

/// The value of one series (its name and labels exactly as exposed); 0 when it is not there yet.
pub fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.parse().expect("a number"))
}
