//! Export and import of the whole menu: `GET /api/stores/{storeId}/menu/export?format=csv|json`
//! and `POST /api/stores/{storeId}/menu/import` (a CSV or JSON body, by its Content-Type). An
//! import replaces the menu with the file's: rows with an id update that dish (its carts and
//! photo stay), rows without one add a dish, and dishes the file leaves out are removed. It is
//! checked whole first and applied in one transaction, or refused with every problem and nothing
//! changed.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use orderbell_shared::{ErrorBody, MenuDTO};
use serde::Deserialize;

use super::Edit;
use super::formats;
use super::import::{self, Plan};
use super::read::menu_dto;
use crate::auth::{Credential, Duty};
use crate::domain::menu::{CategoryRow, DishRow};
use crate::error::{Error, Result};
use crate::extract::{Json, Path, Query};
use crate::media;
use crate::state::AppState;

/// A menu of a thousand dishes as CSV is about 200 KiB.
const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

#[derive(Deserialize)]
pub struct Format {
    #[serde(default)]
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/stores/{store_id}/menu/export", tag = "menu",
    summary = "导出整份菜单（店主）：CSV（默认）或 JSON",
    params(("store_id" = i64, Path, description = "门店 id"), ("format" = Option<String>, Query, description = "csv 或 json")),
    responses((status = 200, content_type = "text/csv", description = "CSV（format=json 时为 JSON）"), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
pub async fn export(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    Query(query): Query<Format>,
) -> Result<Response> {
    grant.may(store_id, Duty::ManageStore)?;
    let menu = state
        .db
        .menu(store_id)
        .await?
        .ok_or_else(|| super::read::store_not_found(store_id))?;
    let (body, content_type, file) = match query.format.as_deref() {
        Some("csv") => (formats::csv(&menu), "text/csv; charset=utf-8", "menu.csv"),
        None | Some("json") => (
            serde_json::to_vec_pretty(&formats::menu_file(&menu))?,
            "application/json",
            "menu.json",
        ),
        Some(_) => {
            return Err(Error::invalid("invalid_query", "format 只能是 csv 或 json"));
        }
    };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                .unwrap_or(HeaderValue::from_static("attachment")),
        ),
    ];
    Ok((headers, body).into_response())
}

#[utoipa::path(post, path = "/api/stores/{store_id}/menu/import", tag = "menu",
    summary = "导入整份菜单（店主）：先整体校验，有错则一行不改并按行号列出全部错误（422 invalid_import）",
    params(("store_id" = i64, Path, description = "门店 id")),
    request_body(content = String, description = "导出的同样格式：text/csv 或 application/json", content_type = "text/csv"),
    responses((status = 200, body = MenuDTO), (status = "4XX", body = ErrorBody, description = "见 code；invalid_import 带 errors 行号列表"))
)]
pub async fn import(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(store_id): Path<i64>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<MenuDTO>> {
    grant.may(store_id, Duty::ManageStore)?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let csv = if content_type.starts_with("text/csv") {
        true
    } else if content_type.starts_with("application/json") {
        false
    } else {
        return Err(Error::BadRequest {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            message: "导入的文件要以 Content-Type: text/csv 或 application/json 上传".into(),
        });
    };
    let bytes = media::read_upload(body, MAX_IMPORT_BYTES, || Error::BadRequest {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        code: "body_too_large",
        message: format!("文件太大：最多 {} MB", MAX_IMPORT_BYTES / 1024 / 1024),
    })
    .await?;
    let draft = if csv {
        formats::parse_csv(&bytes)
    } else {
        formats::parse_json(&bytes)
    };
    let mut photos = HashSet::new();
    for name in draft.rows.iter().filter_map(|r| r.photo.as_ref()) {
        if state.media.has(name).await {
            photos.insert(name.clone());
        }
    }
    let mut edit = Edit::begin(&state, grant, store_id, Duty::ManageStore).await?;
    let plan = import::check(&edit.menu, draft, &photos).map_err(|errors| Error::Rows { errors })?;
    apply(&mut edit, plan).await?;
    let menu = edit.finish(&state).await?;
    Ok(Json(menu_dto(&menu)))
}

/// Write the plan over the current menu. Order matters for the database's own checks: set
/// contents go first (they point at dishes), then dishes the file leaves out, then every kept
/// dish under a name nobody uses (two dishes may swap names), then the file's dishes, their
/// contents, and last the categories left empty.
async fn apply(edit: &mut Edit, plan: Plan) -> Result<()> {
    let old = edit.menu.clone();
    let all: Vec<i64> = old.dishes.iter().map(|d| d.id).collect();
    edit.touch(&all).await?;
    for set in old.dishes.iter().filter(|d| old.contents(d.id).next().is_some()) {
        edit.tx.set_contents(set.id, &[]).await?;
    }
    let kept: HashSet<i64> = plan.dishes.iter().filter_map(|d| d.id).collect();
    for dish in old.dishes.iter().filter(|d| !kept.contains(&d.id)) {
        edit.tx.delete_dish(dish.id).await?;
    }
    for dish in old.dishes.iter().filter(|d| kept.contains(&d.id)) {
        let name = format!("\u{1}{}", dish.id);
        edit.tx.update_dish(&DishRow { name, ..dish.clone() }).await?;
    }
    let mut categories: HashMap<&str, i64> = HashMap::new();
    for (position, name) in plan.categories.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let id = match old.categories.iter().find(|c| &c.name == name) {
            Some(c) => {
                edit.tx.update_category(&CategoryRow { position, ..c.clone() }).await?;
                c.id
            }
            None => edit.tx.insert_category(name, position).await?,
        };
        categories.insert(name.as_str(), id);
    }
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for dish in &plan.dishes {
        let row = DishRow {
            id: dish.id.unwrap_or(0),
            store_id: old.store.id,
            category_id: categories.get(dish.category.as_str()).copied().unwrap_or_default(),
            position: dish.position,
            name: dish.name.clone(),
            kind: dish.kind,
            photo: dish.photo.clone(),
            description: dish.description.clone(),
            price: dish.price,
            sold_out: dish.sold_out,
            part_sold_out: false,
        };
        let id = match dish.id {
            Some(id) => {
                edit.tx.update_dish(&row).await?;
                id
            }
            None => edit.tx.insert_dish(&row, false).await?,
        };
        ids.insert(dish.name.as_str(), id);
    }
    for dish in plan.dishes.iter().filter(|d| !d.set_items.is_empty()) {
        let contents: Vec<(i64, u32)> = dish
            .set_items
            .iter()
            .filter_map(|(name, quantity)| ids.get(name.as_str()).map(|id| (*id, *quantity)))
            .collect();
        if let Some(id) = ids.get(dish.name.as_str()) {
            edit.tx.set_contents(*id, &contents).await?;
        }
    }
    for category in old.categories.iter().filter(|c| !plan.categories.contains(&c.name)) {
        edit.tx.delete_category(category.id).await?;
    }
    Ok(())
}
