//! The store's devices (the counter's app, the kitchen's board): the credential the owner issues
//! to each, who is online now, who was last seen when, and whether a customer's order will be
//! heard by anyone.

pub mod credentials;
mod http;
pub mod presence;
pub mod rules;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::CredentialRow;
use crate::error::Result;
use crate::state::AppState;
pub use credentials::Credentials;
pub use http::{issue, issued, pairing_link};
pub use presence::{Attended, Presence};

/// Whether a store-stream connection is an alert device's (it says `?device=…`, as the desktop
/// app and the kitchen board do), which counts it online. Who the device is, its credential says.
pub fn announced(query: Option<&str>) -> bool {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes()).any(|(key, _)| key == "device")
}

/// The credential `id`, from memory, or else from the database: a credential issued outside this
/// process (`orderbell credential` or `store create` while the server runs, or another instance)
/// holds at once, without a restart. Only a genuinely signed token gets this far.
pub async fn credential(state: &AppState, id: i64) -> Result<Option<CredentialRow>> {
    if let Some(row) = state.credentials.get(id) {
        return Ok(Some(row));
    }
    refresh(state).await?;
    Ok(state.credentials.get(id))
}

/// Read every credential again (the owner's device list does, to list one issued elsewhere).
pub async fn refresh(state: &AppState) -> Result<()> {
    for row in state.db.credentials().await? {
        state.credentials.put(row);
    }
    Ok(())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::list, http::add))
        .routes(routes!(http::revoke))
        .routes(routes!(http::who_am_i))
        .routes(routes!(http::table_presence))
}
