//! Pairing: which server this app listens to, and as whom. A store credential names its own
//! role and store (`m.1.<signature>` is store 1's merchant), so the merchant only has to give the
//! server's address and the credential — or one link that carries both.

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a credential lets this app do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Accepts, rejects, replies, completes; hears every new order and 催单.
    Merchant,
    /// Cooks: sees the tickets, marks them ready; a chime on each new ticket.
    Kitchen,
}

/// A remembered pairing. The token is a secret: `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pairing {
    /// The server's base address, without a trailing slash: `http://192.168.1.20:8080`.
    pub server_url: String,
    pub token: String,
    pub role: Role,
    pub store_id: i64,
}

impl std::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pairing")
            .field("server_url", &self.server_url)
            .field("role", &self.role)
            .field("store_id", &self.store_id)
            .finish_non_exhaustive()
    }
}

impl Pairing {
    /// From what the merchant typed: a server address and a credential, or a single link that
    /// carries the credential as `?token=` (the credential field may then stay empty).
    pub fn parse(server: &str, token: &str) -> Result<Pairing> {
        let url =
            Url::parse(server.trim()).map_err(|_| Error::Pairing("服务器地址应以 http:// 或 https:// 开头".into()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::Pairing("服务器地址应以 http:// 或 https:// 开头".into()));
        }
        let from_link = url
            .query_pairs()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.into_owned());
        let token = match token.trim() {
            "" => from_link.ok_or_else(|| Error::Pairing("请填写商家或后厨凭证".into()))?,
            typed => typed.to_owned(),
        };
        let (role, store_id) = claims(&token)?;
        let mut base = url.origin().ascii_serialization();
        // A server behind a path prefix keeps it: everything before `/api/…`.
        let path = url.path().split("/api/").next().unwrap_or("").trim_end_matches('/');
        base.push_str(path);
        Ok(Pairing {
            server_url: base,
            token,
            role,
            store_id,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server_url)
    }
}

/// The role and store a credential claims. The server checks the signature; this only reads.
fn claims(token: &str) -> Result<(Role, i64)> {
    let mut parts = token.split('.');
    let role = match parts.next() {
        Some("m") => Role::Merchant,
        Some("k") => Role::Kitchen,
        _ => return Err(Error::Pairing("这不是商家或后厨凭证（应以 m. 或 k. 开头）".into())),
    };
    let store = parts.next().and_then(|s| s.parse::<i64>().ok());
    match (store, parts.next(), parts.next()) {
        (Some(store), Some(sig), None) if !sig.is_empty() => Ok((role, store)),
        _ => Err(Error::Pairing("凭证格式不对".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_and_a_merchant_credential_pair() {
        let p = Pairing::parse(" http://192.168.1.20:8080/ ", "m.1.abc_DEF").expect("valid");
        assert_eq!(p.server_url, "http://192.168.1.20:8080");
        assert_eq!((p.role, p.store_id), (Role::Merchant, 1));
        assert_eq!(
            p.url("/api/stores/1/events"),
            "http://192.168.1.20:8080/api/stores/1/events"
        );
    }

    #[test]
    fn one_link_carries_both() {
        let p = Pairing::parse("https://shop.example/api/stores/7/events?token=k.7.sig", "").expect("valid");
        assert_eq!(p.server_url, "https://shop.example");
        assert_eq!((p.role, p.store_id, p.token.as_str()), (Role::Kitchen, 7, "k.7.sig"));
    }

    #[test]
    fn table_links_and_garbage_are_refused_with_a_reason() {
        for (server, token) in [
            ("http://h:1", "t.1.sig"),
            ("http://h:1", "m.x.sig"),
            ("http://h:1", ""),
            ("h:1", "m.1.sig"),
            ("ftp://h", "m.1.sig"),
        ] {
            let err = Pairing::parse(server, token).expect_err("must be refused");
            assert!(matches!(err, Error::Pairing(_)), "{server} {token}: {err}");
        }
    }

    #[test]
    fn debug_does_not_show_the_secret() {
        let p = Pairing::parse("http://h:1", "m.1.secret").expect("valid");
        assert!(!format!("{p:?}").contains("secret"));
    }
}
