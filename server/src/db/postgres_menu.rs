//! PostgreSQL's side of the menu: [`MenuStore`] for [`Postgres`], and its transaction.
//!
//! A menu change begins by raising the store's menu version, which locks the store's row: menu
//! changes of one store run one at a time, as under SQLite's single writer.

use async_trait::async_trait;
use sqlx::{PgConnection, Transaction};

use super::CartSnapshot;
use super::menu::{MenuStore, MenuTx};
use super::postgres::Postgres;
use super::postgres_rows::{self, DISH_COLUMNS, DishRecord};
use crate::domain::demo::DemoStore;
use crate::domain::menu::{CategoryRow, DishRow, Menu, SetItemRow};
use crate::domain::stores::StoreRow;
use crate::error::Result;

fn version(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn position(index: usize) -> i64 {
    i64::try_from(index).unwrap_or(i64::MAX)
}

/// The whole menu of a store, or `None` if there is no such store.
async fn read(conn: &mut PgConnection, store_id: i64) -> Result<Option<Menu>> {
    let store: Option<(i64, String, i64)> = sqlx::query_as("SELECT id, name, menu_version FROM stores WHERE id = $1")
        .bind(store_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((id, name, menu_version)) = store else {
        return Ok(None);
    };
    let categories: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, position FROM categories WHERE store_id = $1 ORDER BY position, id")
            .bind(store_id)
            .fetch_all(&mut *conn)
            .await?;
    let sql = format!(
        "SELECT {DISH_COLUMNS} FROM dishes d JOIN categories c ON c.id = d.category_id
         WHERE d.store_id = $1 ORDER BY c.position, c.id, d.position, d.id"
    );
    let dishes: Vec<DishRecord> = sqlx::query_as(&sql).bind(store_id).fetch_all(&mut *conn).await?;
    let set_items: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.set_id, s.dish_id, s.quantity FROM set_items s JOIN dishes d ON d.id = s.set_id
         WHERE d.store_id = $1 ORDER BY s.set_id, s.position",
    )
    .bind(store_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Menu {
        store: StoreRow { id, name },
        version: version(menu_version),
        categories: categories
            .into_iter()
            .map(|(id, name, position)| CategoryRow { id, name, position })
            .collect(),
        dishes: dishes.into_iter().map(DishRecord::into_row).collect::<Result<_>>()?,
        set_items: set_items
            .into_iter()
            .map(|(set_id, dish_id, quantity)| SetItemRow {
                set_id,
                dish_id,
                quantity: u32::try_from(quantity).unwrap_or(0),
            })
            .collect(),
    }))
}

/// Dishes given their id (the demo's, or one kept) leave the id sequence behind: move it past
/// them, never back, so a new dish never takes the id of one deleted before it (orders and
/// reports name dishes by id).
async fn raise_dish_ids(conn: &mut PgConnection) -> Result<()> {
    sqlx::query(
        "SELECT setval(s, GREATEST((SELECT COALESCE(MAX(id), 1) FROM dishes), COALESCE(pg_sequence_last_value(s), 1)))
         FROM pg_get_serial_sequence('dishes', 'id') s",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The demo store's categories, dishes and set meals, inside the transaction that creates it.
pub async fn seed(tx: &mut PgConnection, demo: &DemoStore) -> Result<()> {
    let mut categories: Vec<(&str, i64)> = Vec::new();
    for (at, dish) in demo.dishes.iter().enumerate() {
        let category_id = match categories.iter().find(|(name, _)| *name == dish.category) {
            Some((_, id)) => *id,
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO categories (store_id, name, position) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(demo.id)
                .bind(dish.category)
                .bind(position(categories.len()))
                .fetch_one(&mut *tx)
                .await?;
                categories.push((dish.category, id));
                id
            }
        };
        sqlx::query(
            "INSERT INTO dishes (id, store_id, category_id, position, name, kind, description, price_cents)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(dish.id)
        .bind(demo.id)
        .bind(category_id)
        .bind(position(at))
        .bind(dish.name)
        .bind(i64::from(u8::from(dish.kind)))
        .bind(dish.description)
        .bind(dish.price_cents)
        .execute(&mut *tx)
        .await?;
    }
    raise_dish_ids(&mut *tx).await?;
    for (at, (set_id, dish_id, quantity)) in demo.set_items.iter().enumerate() {
        sqlx::query("INSERT INTO set_items (set_id, dish_id, quantity, position) VALUES ($1, $2, $3, $4)")
            .bind(set_id)
            .bind(dish_id)
            .bind(i64::from(*quantity))
            .bind(position(at))
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

#[async_trait]
impl MenuStore for Postgres {
    async fn menu(&self, store_id: i64) -> Result<Option<Menu>> {
        // One snapshot: the version, categories and dishes agree.
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?;
        let menu = read(&mut tx, store_id).await?;
        tx.commit().await?;
        Ok(menu)
    }

    async fn begin_menu(&self, store_id: i64) -> Result<Option<(Box<dyn MenuTx>, u64)>> {
        let mut tx = self.pool.begin().await?;
        let raised: Option<(i64,)> =
            sqlx::query_as("UPDATE stores SET menu_version = menu_version + 1 WHERE id = $1 RETURNING menu_version")
                .bind(store_id)
                .fetch_optional(&mut *tx)
                .await?;
        Ok(raised.map(|(v,)| {
            let menu_tx: Box<dyn MenuTx> = Box::new(PgMenuTx { tx, store_id });
            (menu_tx, version(v))
        }))
    }
}

struct PgMenuTx {
    tx: Transaction<'static, sqlx::Postgres>,
    store_id: i64,
}

#[async_trait]
impl MenuTx for PgMenuTx {
    async fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    async fn menu(&mut self) -> Result<Menu> {
        read(&mut self.tx, self.store_id)
            .await?
            .ok_or(crate::error::Error::Database(sqlx::Error::RowNotFound))
    }

    async fn insert_category(&mut self, name: &str, position: i64) -> Result<i64> {
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO categories (store_id, name, position) VALUES ($1, $2, $3) RETURNING id")
                .bind(self.store_id)
                .bind(name)
                .bind(position)
                .fetch_one(&mut *self.tx)
                .await?;
        Ok(id)
    }

    async fn update_category(&mut self, category: &CategoryRow) -> Result<()> {
        sqlx::query("UPDATE categories SET name = $1, position = $2 WHERE id = $3 AND store_id = $4")
            .bind(&category.name)
            .bind(category.position)
            .bind(category.id)
            .bind(self.store_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn delete_category(&mut self, category_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM categories WHERE id = $1 AND store_id = $2")
            .bind(category_id)
            .bind(self.store_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn insert_dish(&mut self, dish: &DishRow, keep_id: bool) -> Result<i64> {
        // A new dish takes the sequence's next id, which never goes back (unlike SQLite's highest
        // id plus one, which needs the `last_dish_id` setting to remember deleted dishes).
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO dishes (id, store_id, category_id, position, name, kind, photo, description, price_cents, sold_out)
             VALUES (COALESCE($1, nextval(pg_get_serial_sequence('dishes', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
        )
        .bind(keep_id.then_some(dish.id))
        .bind(self.store_id)
        .bind(dish.category_id)
        .bind(dish.position)
        .bind(&dish.name)
        .bind(i64::from(u8::from(dish.kind)))
        .bind(&dish.photo)
        .bind(&dish.description)
        .bind(dish.price.cents())
        .bind(dish.sold_out)
        .fetch_one(&mut *self.tx)
        .await?;
        if keep_id {
            raise_dish_ids(&mut self.tx).await?;
        }
        Ok(id)
    }

    async fn update_dish(&mut self, dish: &DishRow) -> Result<()> {
        sqlx::query(
            "UPDATE dishes SET category_id = $1, position = $2, name = $3, kind = $4, photo = $5, description = $6,
                 price_cents = $7, sold_out = $8
             WHERE id = $9 AND store_id = $10",
        )
        .bind(dish.category_id)
        .bind(dish.position)
        .bind(&dish.name)
        .bind(i64::from(u8::from(dish.kind)))
        .bind(&dish.photo)
        .bind(&dish.description)
        .bind(dish.price.cents())
        .bind(dish.sold_out)
        .bind(dish.id)
        .bind(self.store_id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    async fn delete_dish(&mut self, dish_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM cart_items WHERE dish_id = $1")
            .bind(dish_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM set_items WHERE set_id = $1")
            .bind(dish_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM dishes WHERE id = $1 AND store_id = $2")
            .bind(dish_id)
            .bind(self.store_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn set_contents(&mut self, set_id: i64, items: &[(i64, u32)]) -> Result<()> {
        sqlx::query("DELETE FROM set_items WHERE set_id = $1")
            .bind(set_id)
            .execute(&mut *self.tx)
            .await?;
        for (at, (dish_id, quantity)) in items.iter().enumerate() {
            sqlx::query("INSERT INTO set_items (set_id, dish_id, quantity, position) VALUES ($1, $2, $3, $4)")
                .bind(set_id)
                .bind(dish_id)
                .bind(i64::from(*quantity))
                .bind(position(at))
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn tables_holding(&mut self, dish_ids: &[i64]) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT DISTINCT table_id FROM cart_items WHERE dish_id = ANY($1) ORDER BY table_id")
                .bind(dish_ids)
                .fetch_all(&mut *self.tx)
                .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn bump_carts(&mut self, table_ids: &[i64]) -> Result<Vec<CartSnapshot>> {
        let mut carts = Vec::with_capacity(table_ids.len());
        for table_id in table_ids {
            carts.extend(postgres_rows::bump_cart(&mut self.tx, *table_id).await?);
        }
        Ok(carts)
    }
}
