//! PostgreSQL's books: orders with how they were settled, and refunds due (as `sqlite_reports`).

use async_trait::async_trait;
use orderbell_shared::bills::PayMethod;
use orderbell_shared::{Money, OrderStatus};
use sqlx::FromRow;
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;

use super::postgres::Postgres;
use super::postgres_rows::{ORDER_COLUMNS, OrderRecord, with_items};
use super::reports::{HistoryFilter, ReportStore};
use crate::domain::reports::{BookedOrder, RefundDue, StatusTotal};
use crate::error::{Error, Result};

/// Every order of the store ($1) with its settlement. An order paid by itself was settled online
/// then; an unpaid round that counts on its bill (not pending payment, cancelled or rejected:
/// the bill's own rule) was settled with its bill.
const BOOKED: &str = "WITH booked AS (
    SELECT o.*,
        CASE WHEN o.paid_at IS NOT NULL THEN 'online' ELSE s.method END AS method,
        COALESCE(o.paid_at, s.at) AS settled_at,
        COALESCE(o.paid_at, s.at, o.created_at) AS booked_at,
        (SELECT COUNT(*) FROM diners d WHERE d.bill_id = o.bill_id) AS diners
    FROM orders o
    LEFT JOIN settlements s ON s.bill_id = o.bill_id AND o.paid_at IS NULL
        AND o.status NOT IN ('pending_payment', 'cancelled', 'rejected')
    WHERE o.store_id = $1
)";

/// The filter's parameters, $2 to $6 (an absent one matches everything).
const MATCHING: &str = "booked_at >= $2 AND booked_at < $3
    AND ($4::TEXT IS NULL OR table_number = $4)
    AND ($5::TEXT IS NULL OR status = $5)
    AND ($6::TEXT IS NULL OR method = $6)";

#[derive(FromRow)]
struct BookedRecord {
    #[sqlx(flatten)]
    order: OrderRecord,
    method: Option<String>,
    settled_at: Option<i64>,
    diners: i64,
}

fn bind_filter<'q, O>(
    query: QueryAs<'q, sqlx::Postgres, O, PgArguments>,
    f: &'q HistoryFilter<'_>,
) -> QueryAs<'q, sqlx::Postgres, O, PgArguments> {
    query
        .bind(f.store_id)
        .bind(f.start)
        .bind(f.end)
        .bind(f.table)
        .bind(f.status.map(OrderStatus::as_str))
        .bind(f.method.map(PayMethod::as_str))
}

#[async_trait]
impl ReportStore for Postgres {
    async fn booked_orders(
        &self,
        filter: &HistoryFilter<'_>,
        limit: Option<u32>,
        offset: u32,
    ) -> Result<Vec<BookedOrder>> {
        let sql = format!(
            "{BOOKED} SELECT {ORDER_COLUMNS}, method, settled_at, diners FROM booked WHERE {MATCHING}
             ORDER BY booked_at, id LIMIT $7 OFFSET $8"
        );
        let mut conn = self.pool.acquire().await?;
        // LIMIT NULL is no limit.
        let records: Vec<BookedRecord> = bind_filter(sqlx::query_as(&sql), filter)
            .bind(limit.map(i64::from))
            .bind(i64::from(offset))
            .fetch_all(&mut *conn)
            .await?;
        let mut orders = Vec::with_capacity(records.len());
        for r in records {
            let method = match r.method.as_deref() {
                Some(text) => Some(PayMethod::parse(text).ok_or_else(|| corrupt(text))?),
                None => None,
            };
            orders.push(BookedOrder {
                order: with_items(&mut conn, r.order).await?,
                method,
                settled_at: r.settled_at,
                diners: u32::try_from(r.diners).unwrap_or(0),
            });
        }
        Ok(orders)
    }

    async fn booked_totals(&self, filter: &HistoryFilter<'_>) -> Result<Vec<StatusTotal>> {
        let sql = format!(
            "{BOOKED} SELECT status, method IS NOT NULL, COUNT(*), COALESCE(SUM(total_cents), 0)::BIGINT
             FROM booked WHERE {MATCHING} GROUP BY 1, 2"
        );
        let rows: Vec<(String, bool, i64, i64)> =
            bind_filter(sqlx::query_as(&sql), filter).fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|(status, settled, count, cents)| {
                Ok(StatusTotal {
                    status: OrderStatus::parse(&status).ok_or_else(|| corrupt(&status))?,
                    settled,
                    count: u64::try_from(count).unwrap_or(0),
                    amount: Money::from_cents(cents),
                })
            })
            .collect()
    }

    async fn refunds_due(&self, store_id: i64, start: i64, end: i64) -> Result<Vec<RefundDue>> {
        // Every refund owed has its row, written with what caused it: each is counted once.
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT amount_cents, created_at FROM refunds
             WHERE store_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id",
        )
        .bind(store_id)
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(cents, at)| RefundDue {
                amount: Money::from_cents(cents),
                at,
            })
            .collect())
    }
}

fn corrupt(text: &str) -> Error {
    Error::Database(sqlx::Error::Decode(format!("unknown value {text:?}").into()))
}
