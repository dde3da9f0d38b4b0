//! The store's devices: a credential issued per device with a name and a role, and revoked when
//! the device is lost or leaves (its streams end at once, its next request is refused). The
//! list, with who is online and when each was last seen, is in the 「店铺」 panel's report.

use orderbell_shared::access::{IssuedDevice, NewDevice};
use reqwest::Method;

use super::{EMPTY, Setup};
use crate::error::Result;

impl Setup {
    /// A credential for a new device, with the link it pairs with.
    pub async fn issue_device(&self, device: &NewDevice) -> Result<IssuedDevice> {
        self.send(Method::POST, "devices", Some(device)).await
    }

    pub async fn revoke_device(&self, device_id: &str) -> Result<()> {
        self.done(Method::DELETE, &format!("devices/{device_id}"), EMPTY).await
    }
}
