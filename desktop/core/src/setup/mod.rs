//! The owner setting the store up from the app: tables and their QR codes ([`tables`]), the
//! menu ([`menu`]), the store's devices ([`devices`]) and printers ([`printers`]), and what customers meet — name, logo,
//! hours, 暂停接单 ([`store`]) — over the server's owner API. Fetched when the owner opens a
//! view and sent on each change, not kept live: it is set up, not listened to. A counter or
//! kitchen credential gets the server's refusal (`role_not_allowed`) with its message, which
//! the window shows.

pub mod devices;
pub mod menu;
pub mod printers;
pub mod store;
pub mod tables;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::Api;
use crate::error::Result;

/// The owner's requests, for the store this app is paired with.
#[derive(Clone, Debug)]
pub struct Setup {
    api: Api,
}

/// No request body.
const EMPTY: Option<&()> = None;

impl Setup {
    pub(crate) fn new(api: Api) -> Setup {
        Setup { api }
    }

    async fn get<T: DeserializeOwned>(&self, what: &str) -> Result<T> {
        self.send(Method::GET, what, EMPTY).await
    }

    async fn send<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        what: &str,
        body: Option<&B>,
    ) -> Result<T> {
        Ok(self.api.store_request(method, what, body).await?.json().await?)
    }

    /// A request whose answer has no body (204).
    async fn done<B: Serialize + ?Sized>(&self, method: Method, what: &str, body: Option<&B>) -> Result<()> {
        self.api.store_request(method, what, body).await.map(drop)
    }

    async fn bytes(&self, what: &str) -> Result<Vec<u8>> {
        let response = self.api.store_request(Method::GET, what, EMPTY).await?;
        Ok(response.bytes().await?.to_vec())
    }
}
