//! The menu: categories (add, rename, reorder, remove once empty), dishes and set meals with their price
//! in yuan (exact: sent as written, checked by the server), a photo, and 估清 — sold out and back
//! in one tap, from the menu view and from the order board. Customers' pages see each change
//! live (the server's `menu_update`). And the whole menu exported to, or imported from, a file.

use orderbell_shared::menu::{CategoryInput, DishDTO, DishInput, MenuCategoryDTO, MenuDTO, Reorder, SoldOutInput};
use reqwest::Method;

use super::{EMPTY, Setup};
use crate::error::Result;

impl Setup {
    /// The whole menu as customers see it, sold-out dishes flagged.
    pub async fn menu(&self) -> Result<MenuDTO> {
        self.get("menu").await
    }

    pub async fn add_category(&self, name: &str) -> Result<MenuCategoryDTO> {
        let body = CategoryInput { name: name.to_owned() };
        self.send(Method::POST, "categories", Some(&body)).await
    }

    pub async fn rename_category(&self, category_id: i64, name: &str) -> Result<MenuCategoryDTO> {
        let body = CategoryInput { name: name.to_owned() };
        self.send(Method::PATCH, &format!("categories/{category_id}"), Some(&body))
            .await
    }

    /// Every category of the store, in the order customers are to see them.
    pub async fn reorder_categories(&self, ids: &[i64]) -> Result<()> {
        let body = Reorder { ids: ids.to_vec() };
        self.done(Method::PUT, "categories/order", Some(&body)).await
    }

    /// Every dish of the category, in its new order.
    pub async fn reorder_dishes(&self, category_id: i64, ids: &[i64]) -> Result<()> {
        let body = Reorder { ids: ids.to_vec() };
        self.done(
            Method::PUT,
            &format!("categories/{category_id}/dishes/order"),
            Some(&body),
        )
        .await
    }

    /// Refused (`category_not_empty`) while the category still holds dishes.
    pub async fn remove_category(&self, category_id: i64) -> Result<()> {
        self.done(Method::DELETE, &format!("categories/{category_id}"), EMPTY)
            .await
    }

    pub async fn add_dish(&self, dish: &DishInput) -> Result<DishDTO> {
        self.send(Method::POST, "dishes", Some(dish)).await
    }

    /// Only the fields given change.
    pub async fn change_dish(&self, dish_id: i64, change: &DishInput) -> Result<DishDTO> {
        self.send(Method::PATCH, &format!("dishes/{dish_id}"), Some(change))
            .await
    }

    pub async fn remove_dish(&self, dish_id: i64) -> Result<()> {
        self.done(Method::DELETE, &format!("dishes/{dish_id}"), EMPTY).await
    }

    /// 估清 (`true`) or back on the menu (`false`).
    pub async fn set_sold_out(&self, dish_id: i64, sold_out: bool) -> Result<DishDTO> {
        let body = SoldOutInput { sold_out };
        self.send(Method::PUT, &format!("dishes/{dish_id}/sold-out"), Some(&body))
            .await
    }

    /// The whole menu as a CSV file (UTF-8 with a byte-order mark: Excel and WPS open it as is).
    pub async fn export_menu_csv(&self) -> Result<Vec<u8>> {
        self.bytes("menu/export?format=csv").await
    }

    /// Make the menu exactly the file's (CSV or JSON, as `content_type` says): checked whole
    /// first, and on any problem nothing changes and the refusal names every row.
    pub async fn import_menu(&self, content_type: &str, bytes: Vec<u8>) -> Result<MenuDTO> {
        let response = self
            .api
            .store_upload(Method::POST, "menu/import", content_type, bytes)
            .await?;
        Ok(response.json().await?)
    }

    /// A JPEG, PNG or WebP photo of the dish (the server checks it and makes the thumbnail).
    pub async fn set_dish_photo(&self, dish_id: i64, content_type: &str, bytes: Vec<u8>) -> Result<DishDTO> {
        let response = self
            .api
            .store_upload(Method::PUT, &format!("dishes/{dish_id}/photo"), content_type, bytes)
            .await?;
        Ok(response.json().await?)
    }
}
