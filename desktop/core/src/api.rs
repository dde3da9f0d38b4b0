//! The merchant's actions and the snapshot, over HTTP with reqwest. Failures come back as
//! [`ActionError`] `{code, message}`: the server's own code when it answered, `network` when it
//! could not be reached, so the window never matches on text.

use std::time::Duration;

use orderbell_shared::api::ErrorBody;
use orderbell_shared::heard::{AlertSettings, DeviceDTO, ReceiptRequest, UnheardReport};
use orderbell_shared::order::{RejectRequest, ReplyRequest, StoreSnapshot};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pairing::Pairing;

/// What the merchant or kitchen does to an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Accept,
    Reject {
        reason: String,
    },
    Ready,
    /// The kitchen takes back a ticket marked ready by mistake (ready → accepted).
    Recall,
    Complete,
    Reply {
        text: String,
    },
}

impl Action {
    fn path(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reject { .. } => "reject",
            Action::Ready => "ready",
            Action::Recall => "recall",
            Action::Complete => "complete",
            Action::Reply { .. } => "reply",
        }
    }
}

/// Why an action failed, for the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error, ts_rs::TS)]
#[error("{code}: {message}")]
pub struct ActionError {
    pub code: String,
    pub message: String,
}

impl From<Error> for ActionError {
    fn from(e: Error) -> Self {
        match e {
            Error::Refused { code, message, .. } => ActionError { code, message },
            Error::Http(_) => ActionError {
                code: "network".into(),
                message: "无法连接服务器，请检查网络".into(),
            },
            Error::Pairing(message) => ActionError {
                code: "pairing".into(),
                message,
            },
            other => ActionError {
                code: "internal".into(),
                message: other.to_string(),
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct Api {
    http: reqwest::Client,
    pairing: Pairing,
}

impl Api {
    pub fn new(pairing: Pairing) -> Result<Api> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Api { http, pairing })
    }

    /// The open orders and the event id they reflect.
    pub async fn snapshot(&self) -> Result<StoreSnapshot> {
        self.get_store("orders").await
    }

    pub async fn act(&self, order_id: i64, action: &Action) -> Result<()> {
        let url = self.pairing.url(&format!("/api/orders/{order_id}/{}", action.path()));
        let request = self.http.post(url).bearer_auth(&self.pairing.token);
        let request = match action {
            Action::Reject { reason } => request.json(&RejectRequest { reason: reason.clone() }),
            Action::Reply { text } => request.json(&ReplyRequest { text: text.clone() }),
            Action::Accept | Action::Ready | Action::Recall | Action::Complete => request,
        };
        checked(request.send().await?).await.map(drop)
    }

    /// What this device did with an alert (see [`crate::receipts`]).
    pub async fn receipt(&self, receipt: &ReceiptRequest) -> Result<()> {
        let url = self.store_url("receipts");
        let request = self.http.post(url).bearer_auth(&self.pairing.token).json(receipt);
        checked(request.send().await?).await.map(drop)
    }

    /// The store's devices, online now or last seen.
    pub async fn devices(&self) -> Result<Vec<DeviceDTO>> {
        self.get_store("devices").await
    }

    /// Every stretch an alert went unheard, newest first.
    pub async fn unheard(&self) -> Result<UnheardReport> {
        self.get_store("unheard").await
    }

    /// What the server does when nobody hears an alert.
    pub async fn alert_settings(&self) -> Result<AlertSettings> {
        self.get_store("alert-settings").await
    }

    /// The owner's choice; the server takes it from the merchant's credential only.
    pub async fn set_alert_settings(&self, settings: &AlertSettings) -> Result<AlertSettings> {
        let url = self.store_url("alert-settings");
        let request = self.http.put(url).bearer_auth(&self.pairing.token).json(settings);
        Ok(checked(request.send().await?).await?.json().await?)
    }

    /// An owner's request to `/api/stores/{store}/{what}` with an optional JSON body; the
    /// response as it came (checked: a refusal is [`Error::Refused`]).
    pub(crate) async fn store_request(
        &self,
        method: reqwest::Method,
        what: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<reqwest::Response> {
        self.request(method, &self.store_url(what), body).await
    }

    /// A GET of `/api/stores/{store}/{what}` with `query`'s fields as its query string (those
    /// that are `None` left out).
    pub(crate) async fn store_query(&self, what: &str, query: &(impl Serialize + ?Sized)) -> Result<reqwest::Response> {
        let mut request = self
            .http
            .get(self.store_url(what))
            .bearer_auth(&self.pairing.token)
            .build()?;
        // A struct of plain fields (dates, numbers, enums) always becomes a JSON object.
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) {
            let mut pairs = request.url_mut().query_pairs_mut();
            for (name, value) in fields {
                match value {
                    serde_json::Value::Null => {}
                    serde_json::Value::String(text) => {
                        pairs.append_pair(&name, &text);
                    }
                    other => {
                        pairs.append_pair(&name, &other.to_string());
                    }
                }
            }
        }
        checked(self.http.execute(request).await?).await
    }

    /// A request to `path` on the server (`/api/bills/7/settle`), as [`Api::store_request`].
    pub(crate) async fn server_request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<reqwest::Response> {
        self.request(method, &self.pairing.url(path), body).await
    }

    async fn request(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<reqwest::Response> {
        let mut request = self.http.request(method, url).bearer_auth(&self.pairing.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        checked(request.send().await?).await
    }

    /// An owner's upload of a file (a photo, a menu) as the request's body.
    pub(crate) async fn store_upload(
        &self,
        method: reqwest::Method,
        what: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<reqwest::Response> {
        let request = self
            .http
            .request(method, self.store_url(what))
            .bearer_auth(&self.pairing.token)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes);
        checked(request.send().await?).await
    }

    async fn get_store<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T> {
        let response = self
            .http
            .get(self.store_url(what))
            .bearer_auth(&self.pairing.token)
            .send()
            .await?;
        Ok(checked(response).await?.json().await?)
    }

    /// `/api/stores/{store}/{what}`; the store itself for an empty `what`.
    fn store_url(&self, what: &str) -> String {
        let store = format!("/api/stores/{}", self.pairing.store_id);
        if what.is_empty() {
            self.pairing.url(&store)
        } else {
            self.pairing.url(&format!("{store}/{what}"))
        }
    }
}

async fn checked(response: reqwest::Response) -> Result<reqwest::Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body: Option<ErrorBody> = response.json().await.ok();
    let (code, message) = match body {
        Some(b) => (b.code, b.message),
        None => ("http_error".to_owned(), format!("服务器返回 {status}")),
    };
    Err(Error::Refused {
        status: status.as_u16(),
        code,
        message,
    })
}
