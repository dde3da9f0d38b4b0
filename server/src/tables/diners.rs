//! The diners at a table: opening the table's link, or joining with it, makes a phone a diner
//! (one per phone), which is what attributes cart changes to a person. A diner joins the table's
//! bill of the current sitting (`crate::bills::seat`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use orderbell_shared::api::DinerIdentity;
use orderbell_shared::{DinerSession, ErrorBody, NewDiner};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{COOKIE_NAME, Credential, Grant, cookie};
use crate::bills;
use crate::domain::tables::TableRow;
use crate::error::{Error, Result};
use crate::extract::{Json, Path};
use crate::state::AppState;
use crate::web;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_link))
        .routes(routes!(join))
        .routes(routes!(who_am_i))
}

/// What a phone opens by scanning the QR code: it joins the table as a diner (or stays the diner
/// its cookie already says it is) and keeps that identity in a cookie, which EventSource and
/// WebSocket requests then carry by themselves.
#[utoipa::path(get, path = "/t/{table_id}", tag = "tables",
    summary = "桌台二维码打开的地址：浏览器得到点单页（并以 ob_token cookie 记住食客），API 客户端得到食客会话 JSON",
    params(("table_id" = i64, Path, description = "餐桌 id")),
    responses((status = 200, body = DinerSession), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn open_link(
    State(state): State<AppState>,
    credential: Result<Credential>,
    Path(table_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response> {
    // A phone's browser gets the ordering page; API clients get the session as JSON.
    let wants_page = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let link = match credential.and_then(|Credential(grant)| current_link(grant, table_id)) {
        Ok(link) => link,
        // A phone of a party whose sitting just ended gets its page, which says how it ended:
        // it comes back here from a provider's page after paying the bill, which settled it.
        Err(refused) if wants_page && refused.code() == "bill_closed" => {
            return Ok(web::page(web::TABLE, state.heartbeat));
        }
        // A phone without this table's link is told what to do, not shown an error body.
        Err(refused) if wants_page => return Ok(web::scan_prompt(refused.status())),
        Err(refused) => return Err(refused),
    };
    let table = table(&state, table_id).await?;
    let sitting = state.db.table_generations(table_id).await?.map(|(_, s)| s);
    // The diner its cookie says, if that diner joined with this table's current link during
    // the party's sitting; after the party left, the phone joins the next party's bill afresh.
    let known = cookie(&headers, COOKIE_NAME)
        .and_then(|t| state.keys.verify(t))
        .and_then(|g| match g {
            Grant::Diner {
                table_id: t,
                diner_id,
                link: l,
                sitting: s,
            } if t == table_id && l == link && Some(s) == sitting => Some((diner_id, s)),
            _ => None,
        });
    let (diner_id, sitting) = match known {
        Some(known) => known,
        None => bills::seat(&state, table_id, None).await?,
    };
    let session = session(&state, &table, diner_id, link, sitting);
    let cookie = format!(
        "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200",
        session.token
    );
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| Error::Unauthorized)?;
    let body = if wants_page {
        web::page(web::TABLE, state.heartbeat)
    } else {
        Json(session).into_response()
    };
    Ok(([(SET_COOKIE, cookie)], body).into_response())
}

/// `GET /api/session`: who this phone is, from its credential (the page's cookie is HttpOnly, so
/// this is how the page learns its table without ever seeing the token).
#[utoipa::path(get, path = "/api/session", tag = "tables",
    summary = "这个食客凭证是谁：餐桌与食客",
    responses((status = 200, body = DinerIdentity), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn who_am_i(State(state): State<AppState>, Credential(grant): Credential) -> Result<Json<DinerIdentity>> {
    let Grant::Diner { table_id, diner_id, .. } = grant else {
        return Err(Error::DinerRequired);
    };
    let table = table(&state, table_id).await?;
    Ok(Json(DinerIdentity {
        diner_id,
        table_id,
        table_number: table.number,
        store_id: table.store_id,
    }))
}

/// `POST /api/tables/{tableId}/diners` with the table's credential: a new diner token.
#[utoipa::path(post, path = "/api/tables/{table_id}/diners", tag = "tables",
    summary = "以桌台链接加入为食客（每部手机一个），可留手机号",
    params(("table_id" = i64, Path, description = "餐桌 id")),
    request_body = NewDiner,
    responses((status = 200, body = DinerSession), (status = "4XX", body = ErrorBody, description = "见 code"))
)]
async fn join(
    State(state): State<AppState>,
    Credential(grant): Credential,
    Path(table_id): Path<i64>,
    Json(new): Json<NewDiner>,
) -> Result<Json<DinerSession>> {
    let link = current_link(grant, table_id)?;
    let table = table(&state, table_id).await?;
    let phone = new.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
    if let Some(phone) = phone
        && !valid_phone(phone)
    {
        return Err(Error::invalid(
            "invalid_phone",
            "手机号格式不正确：5 到 20 位数字，可含 + - 和空格",
        ));
    }
    let (diner_id, sitting) = bills::seat(&state, table_id, phone).await?;
    Ok(Json(session(&state, &table, diner_id, link, sitting)))
}

/// The generation of the table's link that `grant` (already checked to be current) holds, if it
/// grants `table_id` at all.
fn current_link(grant: Grant, table_id: i64) -> Result<u32> {
    grant.for_table(table_id)?;
    match grant {
        Grant::Table { link, .. } | Grant::Diner { link, .. } => Ok(link),
        _ => Err(Error::Forbidden),
    }
}

async fn table(state: &AppState, table_id: i64) -> Result<TableRow> {
    state.db.table(table_id).await?.ok_or(Error::table_not_found(table_id))
}

/// A diner's session, valid while `link` is the table's current link and `sitting` its current
/// sitting.
fn session(state: &AppState, table: &TableRow, diner_id: i64, link: u32, sitting: u32) -> DinerSession {
    DinerSession {
        diner_id,
        table_id: table.id,
        table_number: table.number.clone(),
        store_id: table.store_id,
        token: state.keys.sign(Grant::Diner {
            table_id: table.id,
            diner_id,
            link,
            sitting,
        }),
    }
}

fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (5..=20).contains(&digits) && phone.chars().all(|c| c.is_ascii_digit() || "+- ".contains(c))
}
