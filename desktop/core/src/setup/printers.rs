//! The store's printers: list them, add one (it prints from this device unless handed to
//! another), change one or hand it over, remove one. The printing itself is [`crate::print`]'s;
//! it reads the list again when the store stream says `printers_changed`.

use orderbell_shared::printing::{PrinterChange, PrinterDTO};
use reqwest::Method;

use super::{EMPTY, Setup};
use crate::error::Result;

impl Setup {
    /// Every printer of the store, with the device that prints to each.
    pub async fn printers(&self) -> Result<Vec<PrinterDTO>> {
        self.get("printers").await
    }

    /// A new printer: name, role, connection and paper are required. Refused with
    /// `printer_taken` when the store has a printer at that address.
    pub async fn add_printer(&self, printer: &PrinterChange) -> Result<PrinterDTO> {
        self.send(Method::POST, "printers", Some(printer)).await
    }

    /// Change what `change` names; its `deviceId` hands the printer to that device.
    pub async fn change_printer(&self, printer_id: i64, change: &PrinterChange) -> Result<PrinterDTO> {
        let path = format!("/api/printers/{printer_id}");
        Ok(self
            .api
            .server_request(Method::PATCH, &path, Some(change))
            .await?
            .json()
            .await?)
    }

    pub async fn remove_printer(&self, printer_id: i64) -> Result<()> {
        let path = format!("/api/printers/{printer_id}");
        self.api.server_request(Method::DELETE, &path, EMPTY).await.map(drop)
    }
}
