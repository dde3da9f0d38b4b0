//! Alipay OpenAPI as the fake serves it.
