//! SQLite's refunds.

use async_trait::async_trait;
use orderbell_shared::Money;
use orderbell_shared::bills::bill_no;
use orderbell_shared::order::order_no;
use orderbell_shared::refunds::{RefundCause, RefundDTO, RefundStatus, refund_no};
use sqlx::{FromRow, SqliteConnection};

use super::refunds::{RefundRecord, RefundStore, RefundTx};
use super::sqlite::Sqlite;
use super::sqlite_tx::SqliteTx;
use crate::domain::refunds::{NewRefund, Outcome, PaidWith};
use crate::error::{Error, Result};

/// A refund with its order's number and its table's (the order's, or the bill's table now).
pub(super) const SELECT: &str =
    "SELECT r.id, r.store_id, r.order_id, r.bill_id, COALESCE(o.table_number, t.number) AS table_number,
        r.cause, r.amount_cents, r.status, r.provider, r.trade_no, r.transaction_id, r.paid_cents, r.attempts,
        r.next_attempt_at, r.last_error, r.reason, r.created_at, r.completed_at, r.handled_by
    FROM refunds r
    LEFT JOIN orders o ON o.id = r.order_id
    LEFT JOIN bills b ON b.id = r.bill_id
    LEFT JOIN tables t ON t.id = b.table_id";

#[derive(FromRow)]
pub(super) struct Record {
    id: i64,
    store_id: i64,
    order_id: Option<i64>,
    bill_id: Option<i64>,
    table_number: Option<String>,
    cause: String,
    amount_cents: i64,
    status: String,
    provider: Option<String>,
    trade_no: Option<String>,
    transaction_id: Option<String>,
    paid_cents: Option<i64>,
    attempts: i64,
    next_attempt_at: Option<i64>,
    last_error: Option<String>,
    reason: Option<String>,
    created_at: i64,
    completed_at: Option<i64>,
    handled_by: Option<String>,
}

impl Record {
    pub(super) fn into_record(self) -> Result<RefundRecord> {
        let corrupt = |text: &str| Error::Database(sqlx::Error::Decode(format!("unknown value {text:?}").into()));
        Ok(RefundRecord {
            refund: RefundDTO {
                refund_id: self.id,
                refund_no: refund_no(self.id),
                store_id: self.store_id,
                order_id: self.order_id,
                order_no: self.order_id.map(order_no),
                bill_id: self.bill_id,
                table_number: self.table_number,
                cause: RefundCause::parse(&self.cause).ok_or_else(|| corrupt(&self.cause))?,
                amount: Money::from_cents(self.amount_cents),
                status: RefundStatus::parse(&self.status).ok_or_else(|| corrupt(&self.status))?,
                provider: self.provider,
                trade_no: self.trade_no,
                transaction_id: self.transaction_id,
                last_error: self.last_error,
                attempts: u32::try_from(self.attempts).unwrap_or(0),
                reason: self.reason,
                created_at: self.created_at,
                completed_at: self.completed_at,
                handled_by: self.handled_by,
            },
            paid: self.paid_cents.map(Money::from_cents),
            next_attempt_at: self.next_attempt_at,
        })
    }
}

pub(super) fn records(rows: Vec<Record>) -> Result<Vec<RefundDTO>> {
    rows.into_iter().map(|r| Ok(r.into_record()?.refund)).collect()
}

async fn read(conn: &mut SqliteConnection, refund_id: i64) -> Result<Option<RefundRecord>> {
    let row: Option<Record> = sqlx::query_as(&format!("{SELECT} WHERE r.id = ?"))
        .bind(refund_id)
        .fetch_optional(conn)
        .await?;
    row.map(Record::into_record).transpose()
}

/// Read back a refund just written (it is there: the write was in this transaction).
async fn written(conn: &mut SqliteConnection, refund_id: i64) -> Result<RefundDTO> {
    read(conn, refund_id)
        .await?
        .map(|r| r.refund)
        .ok_or(Error::Database(sqlx::Error::RowNotFound))
}

/// A payment as `(provider, transaction_id, amount_cents, the paid charge's trade number)`.
pub(super) type PaymentRecord = (String, String, i64, Option<String>);

pub(super) fn paid_with((provider, transaction_id, cents, charge): PaymentRecord, number: String) -> PaidWith {
    PaidWith {
        provider,
        // The trade number the payment was created under; the number itself when no charge
        // was made (the simulator pays the order's own number).
        trade_no: charge.unwrap_or(number),
        transaction_id,
        amount: Money::from_cents(cents),
    }
}

#[async_trait]
impl RefundTx for SqliteTx {
    async fn insert_refund(&mut self, r: &NewRefund) -> Result<RefundDTO> {
        let payment = r.payment.as_ref();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO refunds (store_id, order_id, bill_id, cause, amount_cents, status, reason, created_at,
                 provider, trade_no, transaction_id, paid_cents, next_attempt_at)
             VALUES (?, ?, ?, ?, ?, 'due', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(r.store_id)
        .bind(r.order_id)
        .bind(r.bill_id)
        .bind(r.cause.as_str())
        .bind(r.amount.cents())
        .bind(&r.reason)
        .bind(r.created_at)
        .bind(payment.map(|p| &p.provider))
        .bind(payment.map(|p| &p.trade_no))
        .bind(payment.map(|p| &p.transaction_id))
        .bind(payment.map(|p| p.amount.cents()))
        // Asked for at once when paid online; money taken offline waits for the merchant.
        .bind(payment.map(|_| r.created_at))
        .fetch_one(&mut *self.0)
        .await?;
        written(&mut self.0, id).await
    }

    async fn refund(&mut self, refund_id: i64) -> Result<Option<RefundRecord>> {
        read(&mut self.0, refund_id).await
    }

    async fn update_refund(
        &mut self,
        refund_id: i64,
        expected: RefundStatus,
        claimed_until: Option<i64>,
        o: &Outcome,
        asked: bool,
    ) -> Result<Option<RefundDTO>> {
        let done = sqlx::query(
            "UPDATE refunds SET status = ?, next_attempt_at = ?, last_error = ?,
                 provider_refund_id = COALESCE(?, provider_refund_id), completed_at = ?, attempts = attempts + ?
             WHERE id = ? AND status = ? AND (? IS NULL OR next_attempt_at = ?)",
        )
        .bind(o.status.as_str())
        .bind(o.next_attempt_at)
        .bind(&o.last_error)
        .bind(&o.provider_refund_id)
        .bind(o.completed_at)
        .bind(i64::from(asked))
        .bind(refund_id)
        .bind(expected.as_str())
        .bind(claimed_until)
        .bind(claimed_until)
        .execute(&mut *self.0)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        written(&mut self.0, refund_id).await.map(Some)
    }

    async fn retry_refund(&mut self, refund_id: i64, expected: RefundStatus, now: i64) -> Result<Option<RefundDTO>> {
        let done = sqlx::query("UPDATE refunds SET status = 'due', next_attempt_at = ? WHERE id = ? AND status = ?")
            .bind(now)
            .bind(refund_id)
            .bind(expected.as_str())
            .execute(&mut *self.0)
            .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        written(&mut self.0, refund_id).await.map(Some)
    }

    async fn refund_offline(
        &mut self,
        refund_id: i64,
        expected: RefundStatus,
        handled_by: &str,
        now: i64,
    ) -> Result<Option<RefundDTO>> {
        let done = sqlx::query(
            "UPDATE refunds SET status = 'offline', handled_by = ?, completed_at = ?, next_attempt_at = NULL
             WHERE id = ? AND status = ?",
        )
        .bind(handled_by)
        .bind(now)
        .bind(refund_id)
        .bind(expected.as_str())
        .execute(&mut *self.0)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        written(&mut self.0, refund_id).await.map(Some)
    }

    async fn order_payment(&mut self, order_id: i64) -> Result<Option<PaidWith>> {
        let row: Option<PaymentRecord> = sqlx::query_as(
            "SELECT p.provider, p.transaction_id, p.amount_cents,
                 (SELECT c.trade_no FROM charges c WHERE c.order_id = p.order_id AND c.provider = p.provider
                      AND c.status = 'paid' ORDER BY c.id DESC LIMIT 1)
             FROM payments p WHERE p.order_id = ? AND p.outcome = 'applied' ORDER BY p.id LIMIT 1",
        )
        .bind(order_id)
        .fetch_optional(&mut *self.0)
        .await?;
        Ok(row.map(|r| paid_with(r, order_no(order_id))))
    }

    async fn bill_payment(&mut self, bill_id: i64) -> Result<Option<PaidWith>> {
        let row: Option<PaymentRecord> = sqlx::query_as(
            "SELECT p.provider, p.transaction_id, p.amount_cents,
                 (SELECT c.trade_no FROM charges c WHERE c.bill_id = p.bill_id AND c.provider = p.provider
                      AND c.status = 'paid' ORDER BY c.id DESC LIMIT 1)
             FROM bill_payments p WHERE p.bill_id = ? AND p.outcome = 'applied' ORDER BY p.id LIMIT 1",
        )
        .bind(bill_id)
        .fetch_optional(&mut *self.0)
        .await?;
        Ok(row.map(|r| paid_with(r, bill_no(bill_id))))
    }
}

#[async_trait]
impl RefundStore for Sqlite {
    async fn refunds_to_ask(&self, now: i64, limit: u32) -> Result<Vec<RefundRecord>> {
        let rows: Vec<Record> = sqlx::query_as(&format!(
            "{SELECT} WHERE r.status IN ('due', 'requested') AND r.provider IS NOT NULL AND r.next_attempt_at <= ?
             ORDER BY r.next_attempt_at, r.id LIMIT ?"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Record::into_record).collect()
    }

    async fn claim_refund(&self, refund_id: i64, expected: i64, until: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE refunds SET next_attempt_at = ?
             WHERE id = ? AND next_attempt_at = ? AND status IN ('due', 'requested')",
        )
        .bind(until)
        .bind(refund_id)
        .bind(expected)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn store_refunds(&self, store_id: i64, open: bool) -> Result<Vec<RefundDTO>> {
        let rows: Vec<Record> = sqlx::query_as(&format!(
            "{SELECT} WHERE r.store_id = ? AND (? = 0 OR r.status NOT IN ('succeeded', 'offline'))
             ORDER BY r.created_at DESC, r.id DESC"
        ))
        .bind(store_id)
        .bind(open)
        .fetch_all(&self.pool)
        .await?;
        records(rows)
    }

    async fn order_refunds(&self, order_id: i64) -> Result<Vec<RefundDTO>> {
        let rows: Vec<Record> = sqlx::query_as(&format!("{SELECT} WHERE r.order_id = ? ORDER BY r.id"))
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?;
        records(rows)
    }

    async fn refund_store(&self, refund_id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT store_id FROM refunds WHERE id = ?")
            .bind(refund_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(id,)| id))
    }
}
