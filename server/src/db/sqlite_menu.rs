//! SQLite's side of the menu: [`MenuStore`] for [`Sqlite`], and its transaction.

use async_trait::async_trait;
use sqlx::{SqliteConnection, Transaction};

use super::CartSnapshot;
use super::menu::{MenuStore, MenuTx};
use super::sqlite::Sqlite;
use super::sqlite_rows::{self, DISH_COLUMNS, DishRecord};
use crate::domain::demo::DemoStore;
use crate::domain::menu::{CategoryRow, DishRow, Menu, SetItemRow};
use crate::domain::stores::StoreRow;
use crate::error::Result;

fn version(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The whole menu of a store, or `None` if there is no such store.
async fn read(conn: &mut SqliteConnection, store_id: i64) -> Result<Option<Menu>> {
    let store: Option<(i64, String, i64)> = sqlx::query_as("SELECT id, name, menu_version FROM stores WHERE id = ?")
        .bind(store_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((id, name, menu_version)) = store else {
        return Ok(None);
    };
    let categories: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, position FROM categories WHERE store_id = ? ORDER BY position, id")
            .bind(store_id)
            .fetch_all(&mut *conn)
            .await?;
    let sql = format!(
        "SELECT {DISH_COLUMNS} FROM dishes d JOIN categories c ON c.id = d.category_id
         WHERE d.store_id = ? ORDER BY c.position, c.id, d.position, d.id"
    );
    let dishes: Vec<DishRecord> = sqlx::query_as(&sql).bind(store_id).fetch_all(&mut *conn).await?;
    let set_items: Vec<(i64, i64, u32)> = sqlx::query_as(
        "SELECT s.set_id, s.dish_id, s.quantity FROM set_items s JOIN dishes d ON d.id = s.set_id
         WHERE d.store_id = ? ORDER BY s.set_id, s.position",
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
                quantity,
            })
            .collect(),
    }))
}

/// The demo store's categories, dishes and set meals, inside the transaction that creates it.
pub async fn seed(tx: &mut SqliteConnection, demo: &DemoStore) -> Result<()> {
    let mut categories: Vec<(&str, i64)> = Vec::new();
    for (position, dish) in demo.dishes.iter().enumerate() {
        let category_id = match categories.iter().find(|(name, _)| *name == dish.category) {
            Some((_, id)) => *id,
            None => {
                let (id,): (i64,) =
                    sqlx::query_as("INSERT INTO categories (store_id, name, position) VALUES (?, ?, ?) RETURNING id")
                        .bind(demo.id)
                        .bind(dish.category)
                        .bind(i64::try_from(categories.len()).unwrap_or(i64::MAX))
                        .fetch_one(&mut *tx)
                        .await?;
                categories.push((dish.category, id));
                id
            }
        };
        sqlx::query(
            "INSERT INTO dishes (id, store_id, category_id, position, name, kind, description, price_cents)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(dish.id)
        .bind(demo.id)
        .bind(category_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(dish.name)
        .bind(u8::from(dish.kind))
        .bind(dish.description)
        .bind(dish.price_cents)
        .execute(&mut *tx)
        .await?;
    }
    for (position, (set_id, dish_id, quantity)) in demo.set_items.iter().enumerate() {
        sqlx::query("INSERT INTO set_items (set_id, dish_id, quantity, position) VALUES (?, ?, ?, ?)")
            .bind(set_id)
            .bind(dish_id)
            .bind(quantity)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

#[async_trait]
impl MenuStore for Sqlite {
    async fn menu(&self, store_id: i64) -> Result<Option<Menu>> {
        // One read transaction: the version, categories and dishes come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let menu = read(&mut tx, store_id).await?;
        tx.commit().await?;
        Ok(menu)
    }

    async fn begin_menu(&self, store_id: i64) -> Result<Option<(Box<dyn MenuTx>, u64)>> {
        let mut tx = self
            .pool
            .begin_with("PRAGMA synchronous = FULL; BEGIN IMMEDIATE")
            .await?;
        let raised: Option<(i64,)> =
            sqlx::query_as("UPDATE stores SET menu_version = menu_version + 1 WHERE id = ? RETURNING menu_version")
                .bind(store_id)
                .fetch_optional(&mut *tx)
                .await?;
        Ok(raised.map(|(v,)| {
            let menu_tx: Box<dyn MenuTx> = Box::new(SqliteMenuTx { tx, store_id });
            (menu_tx, version(v))
        }))
    }
}

struct SqliteMenuTx {
    tx: Transaction<'static, sqlx::Sqlite>,
    store_id: i64,
}

#[async_trait]
impl MenuTx for SqliteMenuTx {
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
            sqlx::query_as("INSERT INTO categories (store_id, name, position) VALUES (?, ?, ?) RETURNING id")
                .bind(self.store_id)
                .bind(name)
                .bind(position)
                .fetch_one(&mut *self.tx)
                .await?;
        Ok(id)
    }

    async fn update_category(&mut self, category: &CategoryRow) -> Result<()> {
        sqlx::query("UPDATE categories SET name = ?, position = ? WHERE id = ? AND store_id = ?")
            .bind(&category.name)
            .bind(category.position)
            .bind(category.id)
            .bind(self.store_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn delete_category(&mut self, category_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM categories WHERE id = ? AND store_id = ?")
            .bind(category_id)
            .bind(self.store_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn insert_dish(&mut self, dish: &DishRow, keep_id: bool) -> Result<i64> {
        // A new dish never takes the id of one deleted before it: orders and reports name dishes
        // by id. The highest id ever given is kept, since the table forgets a deleted last row.
        let fresh: (i64,) = sqlx::query_as(
            "SELECT MAX(COALESCE((SELECT MAX(id) FROM dishes), 0),
                        COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'last_dish_id'), 0)) + 1",
        )
        .fetch_one(&mut *self.tx)
        .await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO dishes (id, store_id, category_id, position, name, kind, photo, description, price_cents, sold_out)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(if keep_id { dish.id } else { fresh.0 })
        .bind(self.store_id)
        .bind(dish.category_id)
        .bind(dish.position)
        .bind(&dish.name)
        .bind(u8::from(dish.kind))
        .bind(&dish.photo)
        .bind(&dish.description)
        .bind(dish.price.cents())
        .bind(dish.sold_out)
        .fetch_one(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('last_dish_id', ?)
             ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
        )
        .bind(id.to_string())
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }

    async fn update_dish(&mut self, dish: &DishRow) -> Result<()> {
        sqlx::query(
            "UPDATE dishes SET category_id = ?, position = ?, name = ?, kind = ?, photo = ?, description = ?,
                 price_cents = ?, sold_out = ?
             WHERE id = ? AND store_id = ?",
        )
        .bind(dish.category_id)
        .bind(dish.position)
        .bind(&dish.name)
        .bind(u8::from(dish.kind))
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
        sqlx::query("DELETE FROM cart_items WHERE dish_id = ?")
            .bind(dish_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM set_items WHERE set_id = ?")
            .bind(dish_id)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("DELETE FROM dishes WHERE id = ? AND store_id = ?")
            .bind(dish_id)
            .bind(self.store_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    async fn set_contents(&mut self, set_id: i64, items: &[(i64, u32)]) -> Result<()> {
        sqlx::query("DELETE FROM set_items WHERE set_id = ?")
            .bind(set_id)
            .execute(&mut *self.tx)
            .await?;
        for (position, (dish_id, quantity)) in items.iter().enumerate() {
            sqlx::query("INSERT INTO set_items (set_id, dish_id, quantity, position) VALUES (?, ?, ?, ?)")
                .bind(set_id)
                .bind(dish_id)
                .bind(quantity)
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    async fn tables_holding(&mut self, dish_ids: &[i64]) -> Result<Vec<i64>> {
        let mut tables = Vec::new();
        for dish_id in dish_ids {
            let rows: Vec<(i64,)> = sqlx::query_as("SELECT DISTINCT table_id FROM cart_items WHERE dish_id = ?")
                .bind(dish_id)
                .fetch_all(&mut *self.tx)
                .await?;
            tables.extend(rows.into_iter().map(|(id,)| id));
        }
        tables.sort_unstable();
        tables.dedup();
        Ok(tables)
    }

    async fn bump_carts(&mut self, table_ids: &[i64]) -> Result<Vec<CartSnapshot>> {
        let mut carts = Vec::with_capacity(table_ids.len());
        for table_id in table_ids {
            carts.extend(sqlite_rows::bump_cart(&mut self.tx, *table_id).await?);
        }
        Ok(carts)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use orderbell_shared::CuisineType;
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

    use super::*;
    use crate::db::Database;
    use crate::demo::DEMO;

    /// A database from before menus were managed: categories were text on each dish, and a sold
    /// out dish was `available = 0`. Opening it migrates the demo menu, keeping ids and carts.
    #[tokio::test]
    async fn an_older_demo_menu_is_migrated_with_its_ids_and_carts() {
        let dir = tempfile::tempdir().expect("temporary dir");
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("orderbell.db"))
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().connect_with(options).await.expect("opens");
        let mut older = sqlx::migrate!("migrations/sqlite");
        older.migrations = Cow::Owned(older.migrations.iter().filter(|m| m.version < 5).cloned().collect());
        older.run(&pool).await.expect("the older schema");
        async fn run(pool: &sqlx::SqlitePool, sql: String) -> sqlx::Result<()> {
            sqlx::query(&sql).execute(pool).await.map(drop)
        }
        run(&pool, "INSERT INTO stores (id, name) VALUES (1, '铃声小馆')".into())
            .await
            .expect("store");
        run(
            &pool,
            "INSERT INTO tables (id, store_id, number) VALUES (1, 1, 'A01')".into(),
        )
        .await
        .expect("table");
        for (position, d) in DEMO.dishes.iter().enumerate() {
            let available = i32::from(d.id != 1006);
            run(
                &pool,
                format!(
                "INSERT INTO dishes (id, store_id, category, position, name, kind, image, description, price_cents, available)
                 VALUES ({}, 1, '{}', {position}, '{}', {}, NULL, NULL, {}, {available})",
                d.id,
                d.category,
                d.name,
                u8::from(d.kind),
                d.price_cents
            ))
            .await
            .expect("dish");
        }
        run(
            &pool,
            "INSERT INTO cart_items (table_id, dish_id, quantity, added_version) VALUES (1, 1001, 2, 1)".into(),
        )
        .await
        .expect("cart line");
        pool.close().await;

        let db = Sqlite::open(dir.path()).await.expect("migrates");
        let menu = db.menu(1).await.expect("reads").expect("the store");
        let names: Vec<&str> = menu.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["热菜", "凉菜", "主食", "汤羹", "饮品", "套餐"]);
        let ids: Vec<i64> = menu.dishes.iter().map(|d| d.id).collect();
        let demo_ids: Vec<i64> = DEMO.dishes.iter().map(|d| d.id).collect();
        assert_eq!(ids, demo_ids, "every dish keeps its id and place");
        assert!(
            menu.dish(1006).is_some_and(|d| d.sold_out),
            "unavailable became sold out"
        );
        assert!(menu.dish(1001).is_some_and(|d| !d.sold_out));
        let set: Vec<(i64, u32)> = menu.contents(2002).map(|i| (i.dish_id, i.quantity)).collect();
        assert_eq!(set, [(1004, 1), (1005, 1), (1009, 2), (1010, 1)]);
        assert_eq!(menu.dish(2002).map(|d| d.kind), Some(CuisineType::SetMeal));
        let cart = db.cart(1).await.expect("reads").expect("the table");
        assert_eq!(cart.lines.len(), 1, "the cart stays");
        db.close().await;
    }
}
