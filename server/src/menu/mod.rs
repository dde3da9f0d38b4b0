//! The store's menu: read by everyone, managed by the owner (categories, dishes, set meals,
//! photos, import and export), 估清 by the counter too. Every change raises the store's menu
//! version and tells every table stream of the store (`menu_update`), and every cart holding a
//! changed dish gets its new `cart_update` (prices and 估清 are read live into carts).

mod categories;
mod dishes;
mod formats;
mod import;
mod photo;
pub(crate) mod read;
pub mod rules;
mod transfer;

use orderbell_shared::{MenuUpdate, ServerMessage, sse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Duty, Grant};
use crate::carts::{cart_dto, cart_event};
use crate::clock::now_ms;
use crate::db::menu::MenuTx;
use crate::domain::menu::Menu;
use crate::error::Result;
use crate::push::Encoded;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(read::menu))
        .routes(routes!(transfer::export))
        .routes(routes!(transfer::import))
        .routes(routes!(categories::add))
        .routes(routes!(categories::reorder))
        .routes(routes!(categories::rename, categories::remove))
        .routes(routes!(dishes::reorder))
        .routes(routes!(dishes::add))
        .routes(routes!(dishes::edit, dishes::remove))
        .routes(routes!(dishes::sold_out))
        .routes(routes!(photo::upload, photo::remove))
}

/// One change to a store's menu, in one transaction: read the menu, decide by [`rules`], write,
/// then [`Edit::finish`].
pub struct Edit {
    pub tx: Box<dyn MenuTx>,
    /// The menu before this change (its version already the new one).
    pub menu: Menu,
    tables: Vec<i64>,
}

impl Edit {
    /// Start a change of `store_id`'s menu by a credential that may do `duty` there.
    pub async fn begin(state: &AppState, grant: Grant, store_id: i64, duty: Duty) -> Result<Edit> {
        grant.may(store_id, duty)?;
        let (mut tx, _) = state
            .db
            .begin_menu(store_id)
            .await?
            .ok_or_else(|| read::store_not_found(store_id))?;
        let menu = tx.menu().await?;
        Ok(Edit {
            tx,
            menu,
            tables: Vec::new(),
        })
    }

    /// Note the carts that hold any of `dish_ids`, or a set meal holding one: they are sent again
    /// once the change is in. Call it before a dish is removed (its cart lines go with it).
    pub async fn touch(&mut self, dish_ids: &[i64]) -> Result<()> {
        let sets = self.menu.set_items.iter().filter(|i| dish_ids.contains(&i.dish_id));
        let mut ids: Vec<i64> = sets.map(|i| i.set_id).collect();
        ids.extend_from_slice(dish_ids);
        let tables = self.tx.tables_holding(&ids).await?;
        self.tables.extend(tables);
        Ok(())
    }

    /// Commit, then tell every table stream of the store, and every touched cart. Publishing
    /// after the commit means nobody is shown a menu that could still roll back.
    pub async fn finish(mut self, state: &AppState) -> Result<Menu> {
        self.tables.sort_unstable();
        self.tables.dedup();
        let carts = self.tx.bump_carts(&self.tables).await?;
        let menu = self.tx.menu().await?;
        self.tx.commit().await?;
        for cart in &carts {
            let cart = cart_dto(cart);
            state.carts.publish(cart.table_id, cart_event(&cart));
        }
        state
            .menus
            .publish(menu.store.id, menu_event(menu.store.id, menu.version));
        Ok(menu)
    }
}

/// `menu_update` as it goes out. Over SSE it has no `id:`: a table stream's ids are its cart's
/// versions, and a client that missed a menu change reads the menu again when it reconnects.
pub fn menu_event(store_id: i64, menu_version: u64) -> Encoded {
    let update = MenuUpdate { store_id, menu_version };
    let data = serde_json::to_string(&update).unwrap_or_default();
    let ws = serde_json::to_string(&ServerMessage::menu_update(update, now_ms())).unwrap_or_default();
    Encoded::notice(menu_version, sse::MENU_UPDATE, &data, ws)
}
