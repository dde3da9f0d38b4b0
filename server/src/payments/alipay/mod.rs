//! Alipay (支付宝): its signed notifications, and its OpenAPI behind [`crate::payments::Gateway`]
//! (the app's requests signed `RSA2` with its private key, Alipay's answers verified with
//! Alipay's public key).

mod client;
mod gateway;
mod notify;

pub use client::Client;
pub use notify::{AlipayConfig, verify};
