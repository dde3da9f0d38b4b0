//! PostgreSQL rows and the reads and writes that both the pool and transactions use. Whole
//! numbers are BIGINT there (sqlx decodes them only as i64) and narrowed here.

use orderbell_shared::order::order_no;
use orderbell_shared::{CuisineType, Money, OrderDTO, OrderItemDTO, OrderStatus};
use sqlx::{FromRow, PgConnection, Row};

use super::{CartHead, CartLine, CartSnapshot};
use crate::domain::carts::{LineState, LineWrite};
use crate::domain::menu::DishRow;
use crate::domain::tables::TableRow;
use crate::error::{Error, Result};

fn corrupt(what: String) -> Error {
    Error::Database(sqlx::Error::Decode(what.into()))
}

fn narrow<T: TryFrom<i64>>(value: i64, what: &str) -> Result<T> {
    T::try_from(value).map_err(|_| corrupt(format!("{what} {value}")))
}

fn kind(value: i64) -> Result<CuisineType> {
    CuisineType::try_from(narrow::<u8>(value, "dish kind")?).map_err(corrupt)
}

#[derive(FromRow)]
pub struct DishRecord {
    id: i64,
    store_id: i64,
    category_id: Option<i64>,
    position: i64,
    name: String,
    kind: i64,
    photo: Option<String>,
    description: Option<String>,
    price_cents: i64,
    sold_out: bool,
    part_sold_out: bool,
}

impl DishRecord {
    pub fn into_row(self) -> Result<DishRow> {
        Ok(DishRow {
            id: self.id,
            store_id: self.store_id,
            category_id: self.category_id.unwrap_or_default(),
            position: self.position,
            name: self.name,
            kind: kind(self.kind)?,
            photo: self.photo,
            description: self.description,
            price: Money::from_cents(self.price_cents),
            sold_out: self.sold_out,
            part_sold_out: self.part_sold_out,
        })
    }
}

#[derive(FromRow)]
struct LineRecord {
    #[sqlx(flatten)]
    dish: DishRecord,
    quantity: i64,
    remark: Option<String>,
    diner_id: Option<i64>,
    diner_phone: Option<String>,
}

pub const DISH_COLUMNS: &str = "d.id, d.store_id, d.category_id, d.position, d.name, d.kind, d.photo, d.description, \
     d.price_cents, d.sold_out, EXISTS (SELECT 1 FROM set_items s JOIN dishes p ON p.id = s.dish_id \
     WHERE s.set_id = d.id AND p.sold_out) AS part_sold_out";

/// The table (locked until the transaction ends: READ COMMITTED would otherwise let two changes
/// start from the same version), its cart's version, the dish and its line.
pub async fn cart_head(conn: &mut PgConnection, table_id: i64, dish_id: Option<i64>) -> Result<Option<CartHead>> {
    // The dish, and the dishes of a set meal, are share-locked before the table: a 估清 (which
    // updates the dish, then the tables whose carts hold it, in that order) either commits first,
    // and this change reads the dish sold out, or waits for this one, and then finds this cart
    // among those holding the dish and sends it again flagged. Without it, a cart could be sent
    // with a dish marked sold out meanwhile and stay shown as available until its next change.
    if let Some(dish_id) = dish_id {
        sqlx::query(
            "SELECT 1 FROM dishes WHERE id = $1 OR id IN (SELECT dish_id FROM set_items WHERE set_id = $1)
             ORDER BY id FOR SHARE",
        )
        .bind(dish_id)
        .execute(&mut *conn)
        .await?;
    }
    // Locked first, read after in a statement of its own, whose snapshot then holds what the
    // change before this one wrote (a locking read joined to cart_items would see the old line).
    sqlx::query("SELECT 1 FROM tables WHERE id = $1 FOR UPDATE")
        .bind(table_id)
        .execute(&mut *conn)
        .await?;
    // The table's columns are renamed: the dish's have the same names.
    let sql = format!(
        "SELECT t.store_id AS table_store_id, t.number AS table_number, t.cart_version,
             c.quantity, c.remark, c.diner_id, {DISH_COLUMNS}
         FROM tables t LEFT JOIN cart_items c ON c.table_id = t.id AND c.dish_id = $1
             LEFT JOIN dishes d ON d.id = $1
         WHERE t.id = $2 AND t.removed_at IS NULL"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(dish_id)
        .bind(table_id)
        .fetch_optional(conn)
        .await?
    else {
        return Ok(None);
    };
    let dish = match row.try_get::<Option<i64>, _>("id")? {
        Some(_) => Some(DishRecord::from_row(&row)?.into_row()?),
        None => None,
    };
    let quantity: Option<i64> = row.try_get("quantity")?;
    Ok(Some(CartHead {
        table: TableRow {
            id: table_id,
            store_id: row.try_get("table_store_id")?,
            number: row.try_get("table_number")?,
        },
        version: u64::try_from(row.try_get::<i64, _>("cart_version")?).unwrap_or(0),
        dish,
        line: match quantity {
            Some(quantity) => Some(LineState {
                quantity: narrow(quantity, "quantity")?,
                remark: row.try_get("remark")?,
                diner_id: row.try_get("diner_id")?,
            }),
            None => None,
        },
    }))
}

pub async fn line(conn: &mut PgConnection, table_id: i64, dish_id: i64) -> Result<Option<LineState>> {
    let row: Option<(i64, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT quantity, remark, diner_id FROM cart_items WHERE table_id = $1 AND dish_id = $2")
            .bind(table_id)
            .bind(dish_id)
            .fetch_optional(conn)
            .await?;
    row.map(|(quantity, remark, diner_id)| {
        Ok(LineState {
            quantity: narrow(quantity, "quantity")?,
            remark,
            diner_id,
        })
    })
    .transpose()
}

/// A cart's lines in the order they were added.
pub async fn lines(conn: &mut PgConnection, table_id: i64) -> Result<Vec<CartLine>> {
    let sql = format!(
        "SELECT {DISH_COLUMNS}, c.quantity, c.remark, c.diner_id, n.phone AS diner_phone
         FROM cart_items c JOIN dishes d ON d.id = c.dish_id LEFT JOIN diners n ON n.id = c.diner_id
         WHERE c.table_id = $1 ORDER BY c.added_version, c.dish_id"
    );
    let records: Vec<LineRecord> = sqlx::query_as(&sql).bind(table_id).fetch_all(conn).await?;
    records
        .into_iter()
        .map(|r| {
            Ok(CartLine {
                dish: r.dish.into_row()?,
                line: LineState {
                    quantity: narrow(r.quantity, "quantity")?,
                    remark: r.remark,
                    diner_id: r.diner_id,
                },
                diner_phone: r.diner_phone,
            })
        })
        .collect()
}

/// The table's cart under a new version, for everyone to be sent again: its dishes changed on the
/// menu, or the table its number. `None` if there is no such table.
pub async fn bump_cart(conn: &mut PgConnection, table_id: i64) -> Result<Option<CartSnapshot>> {
    let head: Option<(i64, String, i64)> = sqlx::query_as(
        "UPDATE tables SET cart_version = cart_version + 1 WHERE id = $1
         RETURNING store_id, number, cart_version",
    )
    .bind(table_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((store_id, number, version)) = head else {
        return Ok(None);
    };
    Ok(Some(CartSnapshot {
        table: TableRow {
            id: table_id,
            store_id,
            number,
        },
        version: u64::try_from(version).unwrap_or(0),
        lines: lines(conn, table_id).await?,
    }))
}

/// Write a cart change; `version` is the cart's new version (a line keeps the one that added it).
pub async fn write_line(conn: &mut PgConnection, table_id: i64, version: u64, write: LineWrite) -> Result<()> {
    match write {
        LineWrite::Upsert { dish_id, line } => {
            sqlx::query(
                "INSERT INTO cart_items (table_id, dish_id, quantity, remark, diner_id, added_version)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (table_id, dish_id) DO UPDATE
                 SET quantity = excluded.quantity, remark = excluded.remark, diner_id = excluded.diner_id",
            )
            .bind(table_id)
            .bind(dish_id)
            .bind(i64::from(line.quantity))
            .bind(line.remark)
            .bind(line.diner_id)
            .bind(i64::try_from(version).unwrap_or(i64::MAX))
            .execute(conn)
            .await?;
        }
        LineWrite::Delete { dish_id } => {
            sqlx::query("DELETE FROM cart_items WHERE table_id = $1 AND dish_id = $2")
                .bind(table_id)
                .bind(dish_id)
                .execute(conn)
                .await?;
        }
        LineWrite::DeleteAll => {
            sqlx::query("DELETE FROM cart_items WHERE table_id = $1")
                .bind(table_id)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// The cart's version becomes `version`, `write` applies and the lines are read back.
pub async fn write_cart(
    conn: &mut PgConnection,
    table_id: i64,
    version: u64,
    write: LineWrite,
) -> Result<Vec<CartLine>> {
    sqlx::query("UPDATE tables SET cart_version = $1 WHERE id = $2")
        .bind(i64::try_from(version).unwrap_or(i64::MAX))
        .bind(table_id)
        .execute(&mut *conn)
        .await?;
    write_line(&mut *conn, table_id, version, write).await?;
    lines(conn, table_id).await
}

#[derive(FromRow)]
pub struct OrderRecord {
    id: i64,
    store_id: i64,
    table_id: i64,
    table_number: String,
    status: String,
    total_cents: i64,
    created_at: i64,
    paid_at: Option<i64>,
    accepted_at: Option<i64>,
    ready_at: Option<i64>,
    finished_at: Option<i64>,
    reject_reason: Option<String>,
    reminder_count: i64,
    last_reminder_at: Option<i64>,
    bill_id: Option<i64>,
    round: Option<i64>,
}

#[derive(FromRow)]
struct ItemRecord {
    dish_id: i64,
    name: String,
    kind: i64,
    unit_price_cents: i64,
    quantity: i64,
    remark: Option<String>,
    diner_id: Option<i64>,
    returned_quantity: i64,
}

pub const ORDER_COLUMNS: &str = "id, store_id, table_id, table_number, status, total_cents, created_at, paid_at, \
     accepted_at, ready_at, finished_at, reject_reason, reminder_count, last_reminder_at, bill_id, round";

pub async fn with_items(conn: &mut PgConnection, r: OrderRecord) -> Result<OrderDTO> {
    let records: Vec<ItemRecord> = sqlx::query_as(
        "SELECT dish_id, name, kind, unit_price_cents, quantity, remark, diner_id, returned_quantity
         FROM order_items WHERE order_id = $1 ORDER BY position",
    )
    .bind(r.id)
    .fetch_all(conn)
    .await?;
    let items = records
        .into_iter()
        .map(|i| {
            let unit_price = Money::from_cents(i.unit_price_cents);
            let quantity: u32 = narrow(i.quantity, "quantity")?;
            let returned_quantity: u32 = narrow(i.returned_quantity, "returned quantity")?;
            Ok(OrderItemDTO {
                cuisine_id: i.dish_id,
                cuisine_name: i.name,
                cuisine_type: kind(i.kind)?,
                unit_price,
                quantity,
                subtotal_amount: unit_price * (quantity - returned_quantity),
                remark: i.remark,
                add_user_id: i.diner_id,
                returned_quantity,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let status = OrderStatus::parse(&r.status).ok_or_else(|| corrupt(format!("order status {:?}", r.status)))?;
    Ok(OrderDTO {
        order_id: r.id,
        order_no: order_no(r.id),
        store_id: r.store_id,
        table_id: r.table_id,
        table_number: r.table_number,
        status,
        total_quantity: items.iter().map(|i| i.quantity).sum(),
        items,
        total_amount: Money::from_cents(r.total_cents),
        created_at: r.created_at,
        paid_at: r.paid_at,
        accepted_at: r.accepted_at,
        ready_at: r.ready_at,
        finished_at: r.finished_at,
        reject_reason: r.reject_reason,
        reminder_count: narrow(r.reminder_count, "reminder count")?,
        last_reminder_at: r.last_reminder_at,
        bill_id: r.bill_id,
        round: r.round.map(|round| narrow(round, "round")).transpose()?,
    })
}

pub async fn order(conn: &mut PgConnection, order_id: i64) -> Result<Option<OrderDTO>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let record: Option<OrderRecord> = sqlx::query_as(&sql).bind(order_id).fetch_optional(&mut *conn).await?;
    match record {
        Some(r) => Ok(Some(with_items(conn, r).await?)),
        None => Ok(None),
    }
}

pub async fn open_orders(conn: &mut PgConnection, store_id: i64) -> Result<Vec<OrderDTO>> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE store_id = $1 AND status IN ('submitted', 'paid', 'accepted', 'ready')
         ORDER BY COALESCE(paid_at, created_at), id"
    );
    let records: Vec<OrderRecord> = sqlx::query_as(&sql).bind(store_id).fetch_all(&mut *conn).await?;
    let mut orders = Vec::with_capacity(records.len());
    for r in records {
        orders.push(with_items(conn, r).await?);
    }
    Ok(orders)
}
