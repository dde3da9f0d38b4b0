//! The payer's pages (H5 and wap cashiers, the list of open trades): plain HTML, Chinese only.

use axum::response::Html;

pub(crate) fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:30em;margin:2em auto;padding:0 1em}}
.amount{{font-size:2em;margin:.5em 0}} button{{font-size:1.2em;padding:.5em 2em}} td{{padding:.3em .6em}}</style>
</head><body><h1>{title}</h1>
{body}
</body></html>"#,
        title = escape(title)
    ))
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Fen as yuan, `38.00`.
pub(crate) fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}
