//! SQLite rows and the reads and writes that both the pool and transactions use.

use orderbell_shared::{CuisineType, Money, OrderDTO, OrderItemDTO, OrderStatus};
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, FromRow, Row, SqliteConnection};

use super::{CartHead, CartLine, CartSnapshot};
use crate::domain::carts::{LineState, LineWrite};
use crate::domain::menu::DishRow;
use crate::domain::tables::TableRow;
use crate::error::{Error, Result};
use orderbell_shared::order::order_no;

#[derive(FromRow)]
pub struct TableRecord {
    id: i64,
    store_id: i64,
    number: String,
}

impl From<TableRecord> for TableRow {
    fn from(r: TableRecord) -> Self {
        TableRow {
            id: r.id,
            store_id: r.store_id,
            number: r.number,
        }
    }
}

#[derive(FromRow)]
pub struct DishRecord {
    id: i64,
    store_id: i64,
    // Nullable only because SQLite cannot add a NOT NULL reference to a table; always set.
    category_id: Option<i64>,
    position: i64,
    name: String,
    kind: u8,
    photo: Option<String>,
    description: Option<String>,
    price_cents: i64,
    sold_out: bool,
    part_sold_out: bool,
}

impl DishRecord {
    pub fn into_row(self) -> Result<DishRow> {
        let kind = CuisineType::try_from(self.kind).map_err(|e| Error::Database(sqlx::Error::Decode(e.into())))?;
        Ok(DishRow {
            id: self.id,
            store_id: self.store_id,
            category_id: self.category_id.unwrap_or_default(),
            position: self.position,
            name: self.name,
            kind,
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
    quantity: u32,
    remark: Option<String>,
    diner_id: Option<i64>,
    diner_phone: Option<String>,
}

pub const DISH_COLUMNS: &str = "d.id, d.store_id, d.category_id, d.position, d.name, d.kind, d.photo, d.description, \
     d.price_cents, d.sold_out, EXISTS (SELECT 1 FROM set_items s JOIN dishes p ON p.id = s.dish_id \
     WHERE s.set_id = d.id AND p.sold_out) AS part_sold_out";

pub async fn cart_head(conn: &mut SqliteConnection, table_id: i64, dish_id: Option<i64>) -> Result<Option<CartHead>> {
    // One read for all: the dish and its line join the table, each absent when not there. The
    // table's columns are renamed: the dish's have the same names.
    let sql = format!(
        "SELECT t.store_id AS table_store_id, t.number AS table_number, t.cart_version,
             c.quantity, c.remark, c.diner_id, {DISH_COLUMNS}
         FROM tables t LEFT JOIN cart_items c ON c.table_id = t.id AND c.dish_id = ?1
             LEFT JOIN dishes d ON d.id = ?1
         WHERE t.id = ?2 AND t.removed_at IS NULL"
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
    let quantity: Option<u32> = row.try_get("quantity")?;
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
                quantity,
                remark: row.try_get("remark")?,
                diner_id: row.try_get("diner_id")?,
            }),
            None => None,
        },
    }))
}

pub async fn line(conn: &mut SqliteConnection, table_id: i64, dish_id: i64) -> Result<Option<LineState>> {
    let row: Option<(u32, Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT quantity, remark, diner_id FROM cart_items WHERE table_id = ? AND dish_id = ?")
            .bind(table_id)
            .bind(dish_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(quantity, remark, diner_id)| LineState {
        quantity,
        remark,
        diner_id,
    }))
}

/// A cart's lines in the order they were added; `table` is the table's parameter.
fn lines_query(table: &str) -> String {
    format!(
        "SELECT {DISH_COLUMNS}, c.quantity, c.remark, c.diner_id, n.phone AS diner_phone
         FROM cart_items c JOIN dishes d ON d.id = c.dish_id LEFT JOIN diners n ON n.id = c.diner_id
         WHERE c.table_id = {table} ORDER BY c.added_version, c.dish_id"
    )
}

fn cart_lines(records: Vec<LineRecord>) -> Result<Vec<CartLine>> {
    records
        .into_iter()
        .map(|r| {
            Ok(CartLine {
                dish: r.dish.into_row()?,
                line: LineState {
                    quantity: r.quantity,
                    remark: r.remark,
                    diner_id: r.diner_id,
                },
                diner_phone: r.diner_phone,
            })
        })
        .collect()
}

pub async fn lines(conn: &mut SqliteConnection, table_id: i64) -> Result<Vec<CartLine>> {
    let records: Vec<LineRecord> = sqlx::query_as(&lines_query("?")).bind(table_id).fetch_all(conn).await?;
    cart_lines(records)
}

/// The table's cart under a new version, for everyone to be sent again: its dishes changed on the
/// menu, or the table its number. `None` if there is no such table.
pub async fn bump_cart(conn: &mut SqliteConnection, table_id: i64) -> Result<Option<CartSnapshot>> {
    let head: Option<(i64, String, i64)> = sqlx::query_as(
        "UPDATE tables SET cart_version = cart_version + 1 WHERE id = ? RETURNING store_id, number, cart_version",
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

/// The statement writing `write` to a cart, and its arguments: ?1 the cart's new version (a line
/// keeps the version that added it), ?2 the table, then the dish and the line.
fn line_write(table_id: i64, version: u64, write: LineWrite) -> Result<(&'static str, SqliteArguments<'static>)> {
    let (sql, dish_id, line) = match write {
        LineWrite::Upsert { dish_id, line } => (
            "INSERT INTO cart_items (table_id, dish_id, quantity, remark, diner_id, added_version)
             VALUES (?2, ?3, ?4, ?5, ?6, ?1)
             ON CONFLICT (table_id, dish_id) DO UPDATE
             SET quantity = excluded.quantity, remark = excluded.remark, diner_id = excluded.diner_id",
            Some(dish_id),
            Some(line),
        ),
        LineWrite::Delete { dish_id } => (
            "DELETE FROM cart_items WHERE table_id = ?2 AND dish_id = ?3",
            Some(dish_id),
            None,
        ),
        LineWrite::DeleteAll => ("DELETE FROM cart_items WHERE table_id = ?2", None, None),
    };
    let (quantity, remark, diner_id) = match line {
        Some(line) => (Some(line.quantity), line.remark, line.diner_id),
        None => (None, None, None),
    };
    let mut args = SqliteArguments::default();
    let encoded = args
        .add(i64::try_from(version).unwrap_or(i64::MAX))
        .and_then(|()| args.add(table_id))
        .and_then(|()| args.add(dish_id))
        .and_then(|()| args.add(quantity))
        .and_then(|()| args.add(remark))
        .and_then(|()| args.add(diner_id));
    encoded.map_err(|e| Error::Database(sqlx::Error::Encode(e)))?;
    Ok((sql, args))
}

pub async fn write_line(conn: &mut SqliteConnection, table_id: i64, version: u64, write: LineWrite) -> Result<()> {
    let (sql, args) = line_write(table_id, version, write)?;
    sqlx::query_with(sql, args).execute(conn).await?;
    Ok(())
}

/// The cart's version becomes `version`, `write` applies and the lines are read back, as one
/// query of three statements: SQLite runs them in one hand-off from the async side.
pub async fn write_cart(
    conn: &mut SqliteConnection,
    table_id: i64,
    version: u64,
    write: LineWrite,
) -> Result<Vec<CartLine>> {
    let (statement, args) = line_write(table_id, version, write)?;
    let sql = format!(
        "UPDATE tables SET cart_version = ?1 WHERE id = ?2; {statement}; {}",
        lines_query("?2")
    );
    let records: Vec<LineRecord> = sqlx::query_as_with(&sql, args).fetch_all(conn).await?;
    cart_lines(records)
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
    reminder_count: u32,
    last_reminder_at: Option<i64>,
    bill_id: Option<i64>,
    round: Option<u32>,
}

#[derive(FromRow)]
struct ItemRecord {
    dish_id: i64,
    name: String,
    kind: u8,
    unit_price_cents: i64,
    quantity: u32,
    remark: Option<String>,
    diner_id: Option<i64>,
    returned_quantity: u32,
}

pub const ORDER_COLUMNS: &str = "id, store_id, table_id, table_number, status, total_cents, created_at, paid_at, \
     accepted_at, ready_at, finished_at, reject_reason, reminder_count, last_reminder_at, bill_id, round";

fn corrupt(what: String) -> Error {
    Error::Database(sqlx::Error::Decode(what.into()))
}

pub async fn with_items(conn: &mut SqliteConnection, r: OrderRecord) -> Result<OrderDTO> {
    let records: Vec<ItemRecord> = sqlx::query_as(
        "SELECT dish_id, name, kind, unit_price_cents, quantity, remark, diner_id, returned_quantity
         FROM order_items WHERE order_id = ? ORDER BY position",
    )
    .bind(r.id)
    .fetch_all(conn)
    .await?;
    let items = records
        .into_iter()
        .map(|i| {
            let unit_price = Money::from_cents(i.unit_price_cents);
            Ok(OrderItemDTO {
                cuisine_id: i.dish_id,
                cuisine_name: i.name,
                cuisine_type: CuisineType::try_from(i.kind).map_err(corrupt)?,
                unit_price,
                quantity: i.quantity,
                subtotal_amount: unit_price * (i.quantity - i.returned_quantity),
                remark: i.remark,
                add_user_id: i.diner_id,
                returned_quantity: i.returned_quantity,
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
        reminder_count: r.reminder_count,
        last_reminder_at: r.last_reminder_at,
        bill_id: r.bill_id,
        round: r.round,
    })
}

pub async fn order(conn: &mut SqliteConnection, order_id: i64) -> Result<Option<OrderDTO>> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?");
    let record: Option<OrderRecord> = sqlx::query_as(&sql).bind(order_id).fetch_optional(&mut *conn).await?;
    match record {
        Some(r) => Ok(Some(with_items(conn, r).await?)),
        None => Ok(None),
    }
}

pub async fn open_orders(conn: &mut SqliteConnection, store_id: i64) -> Result<Vec<OrderDTO>> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE store_id = ? AND status IN ('submitted', 'paid', 'accepted', 'ready')
         ORDER BY COALESCE(paid_at, created_at), id"
    );
    let records: Vec<OrderRecord> = sqlx::query_as(&sql).bind(store_id).fetch_all(&mut *conn).await?;
    let mut orders = Vec::with_capacity(records.len());
    for r in records {
        orders.push(with_items(conn, r).await?);
    }
    Ok(orders)
}
