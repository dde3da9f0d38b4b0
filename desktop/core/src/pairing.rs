//! Pairing: which server this app listens to, and as whom. The merchant gives the server's
//! address and a device credential (`v.<id>.<signature>`) — or one link that carries both — and
//! the server says whose the credential is (`GET /api/credential`): its store and role. An owner's
//! or counter's credential makes this app the counter's; a kitchen's makes it the kitchen's.

use std::time::Duration;

use orderbell_shared::access::{CredentialInfo, Role as StoreRole};
use orderbell_shared::api::ErrorBody;
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
    /// Pair: read what the merchant typed — a server address and a credential, or a single link
    /// that carries the credential as `?token=` (the credential field may then stay empty) — and
    /// ask the server whose the credential is.
    pub async fn resolve(server: &str, token: &str) -> Result<Pairing> {
        let typed = Typed::read(server, token)?;
        let unreachable = || Error::Pairing("连不上服务器，请检查地址是否正确".into());
        let response = reqwest::Client::new()
            .get(format!("{}/api/credential", typed.server_url))
            .bearer_auth(&typed.token)
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|_| unreachable())?;
        if !response.status().is_success() {
            let refused: Option<ErrorBody> = response.json().await.ok();
            return Err(Error::Pairing(match refused {
                Some(body) if body.code == "device_revoked" => body.message,
                Some(body) if body.code == "unauthorized" => "凭证无效或已停用，请重新配对".into(),
                Some(_) => "这不是门店设备的凭证，请向店主要一个".into(),
                None => "这个地址不是点单铃服务器，请检查地址是否正确".into(),
            }));
        }
        let info: CredentialInfo = response.json().await.map_err(|_| unreachable())?;
        Ok(Pairing {
            server_url: typed.server_url,
            token: typed.token,
            role: match info.role {
                StoreRole::Owner | StoreRole::Counter => Role::Merchant,
                StoreRole::Kitchen => Role::Kitchen,
            },
            store_id: info.store_id,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server_url)
    }

    /// The device this app is to the store: its credential's id (`v.<id>.…`), as the store's
    /// device list names it.
    pub fn device_id(&self) -> String {
        self.token.split('.').nth(1).unwrap_or_default().to_owned()
    }
}

/// What the merchant typed, read without asking the server: its base address and a credential
/// of the right shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Typed {
    /// The server's base address, without a trailing slash.
    pub server_url: String,
    pub token: String,
}

impl Typed {
    pub fn read(server: &str, token: &str) -> Result<Typed> {
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
            "" => from_link.ok_or_else(|| Error::Pairing("请填写设备凭证".into()))?,
            typed => typed.to_owned(),
        };
        check_shape(&token)?;
        let mut base = url.origin().ascii_serialization();
        // A server behind a path prefix keeps it: everything before `/api/…`.
        let path = url.path().split("/api/").next().unwrap_or("").trim_end_matches('/');
        base.push_str(path);
        Ok(Typed {
            server_url: base,
            token,
        })
    }
}

/// A device credential is `v.<id>.<signature>`; the server checks the signature.
fn check_shape(token: &str) -> Result<()> {
    let mut parts = token.split('.');
    if parts.next() != Some("v") {
        return Err(Error::Pairing("这不是设备凭证（应以 v. 开头）".into()));
    }
    let id = parts.next().and_then(|s| s.parse::<i64>().ok());
    match (id, parts.next(), parts.next()) {
        (Some(_), Some(sig), None) if !sig.is_empty() => Ok(()),
        _ => Err(Error::Pairing("凭证格式不对".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_and_a_credential_are_read() {
        let t = Typed::read(" http://192.168.1.20:8080/ ", "v.1.abc_DEF").expect("valid");
        assert_eq!(t.server_url, "http://192.168.1.20:8080");
        assert_eq!(t.token, "v.1.abc_DEF");
    }

    #[test]
    fn one_link_carries_both() {
        let t = Typed::read("https://shop.example/api/stores/7/events?token=v.7.sig", "").expect("valid");
        assert_eq!(
            (t.server_url.as_str(), t.token.as_str()),
            ("https://shop.example", "v.7.sig")
        );
    }

    #[test]
    fn table_links_old_credentials_and_garbage_are_refused_with_a_reason() {
        for (server, token) in [
            ("http://h:1", "t.1.sig"),
            ("http://h:1", "m.1.sig"),
            ("http://h:1", "v.x.sig"),
            ("http://h:1", "v.1."),
            ("http://h:1", ""),
            ("h:1", "v.1.sig"),
            ("ftp://h", "v.1.sig"),
        ] {
            let err = Typed::read(server, token).expect_err("must be refused");
            assert!(matches!(err, Error::Pairing(_)), "{server} {token}: {err}");
        }
    }

    #[test]
    fn debug_does_not_show_the_secret() {
        let p = Pairing {
            server_url: "http://h:1".into(),
            token: "v.1.secret".into(),
            role: Role::Merchant,
            store_id: 1,
        };
        assert!(!format!("{p:?}").contains("secret"));
    }
}
