//! PostgreSQL's refunds. Rows read as SQLite's are (see `sqlite_refunds`); every change is a
//! compare-and-set on the refund's row, which READ COMMITTED re-checks after waiting for its lock.

use async_trait::async_trait;
use orderbell_shared::bills::bill_no;
use orderbell_shared::order::order_no;
use orderbell_shared::refunds::{RefundDTO, RefundStatus};
use sqlx::PgConnection;

use super::postgres::Postgres;
use super::postgres_tx::PgTx;
use super::refunds::{RefundRecord, RefundStore, RefundTx};
use super::sqlite_refunds::{PaymentRecord, Record, SELECT, paid_with, records};
use crate::domain::refunds::{NewRefund, Outcome, PaidWith};
use crate::error::{Error, Result};

async fn read(conn: &mut PgConnection, refund_id: i64) -> Result<Option<RefundRecord>> {
    let row: Option<Record> = sqlx::query_as(&format!("{SELECT} WHERE r.id = $1"))
        .bind(refund_id)
        .fetch_optional(conn)
        .await?;
    row.map(Record::into_record).transpose()
}

/// Read back a refund just written (it is there: the write was in this transaction).
async fn written(conn: &mut PgConnection, refund_id: i64) -> Result<RefundDTO> {
    read(conn, refund_id)
        .await?
        .map(|r| r.refund)
        .ok_or(Error::Database(sqlx::Error::RowNotFound))
}

#[async_trait]
impl RefundTx for PgTx {
    async fn insert_refund(&mut self, r: &NewRefund) -> Result<RefundDTO> {
        let payment = r.payment.as_ref();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO refunds (store_id, order_id, bill_id, cause, amount_cents, status, reason, created_at,
                 provider, trade_no, transaction_id, paid_cents, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, 'due', $6, $7, $8, $9, $10, $11, $12) RETURNING id",
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
            "UPDATE refunds SET status = $1, next_attempt_at = $2, last_error = $3,
                 provider_refund_id = COALESCE($4, provider_refund_id), completed_at = $5, attempts = attempts + $6
             WHERE id = $7 AND status = $8 AND ($9::BIGINT IS NULL OR next_attempt_at = $9)",
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
        .execute(&mut *self.0)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        written(&mut self.0, refund_id).await.map(Some)
    }

    async fn retry_refund(&mut self, refund_id: i64, expected: RefundStatus, now: i64) -> Result<Option<RefundDTO>> {
        let done = sqlx::query("UPDATE refunds SET status = 'due', next_attempt_at = $1 WHERE id = $2 AND status = $3")
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
            "UPDATE refunds SET status = 'offline', handled_by = $1, completed_at = $2, next_attempt_at = NULL
             WHERE id = $3 AND status = $4",
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
             FROM payments p WHERE p.order_id = $1 AND p.outcome = 'applied' ORDER BY p.id LIMIT 1",
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
             FROM bill_payments p WHERE p.bill_id = $1 AND p.outcome = 'applied' ORDER BY p.id LIMIT 1",
        )
        .bind(bill_id)
        .fetch_optional(&mut *self.0)
        .await?;
        Ok(row.map(|r| paid_with(r, bill_no(bill_id))))
    }
}

#[async_trait]
impl RefundStore for Postgres {
    async fn refunds_to_ask(&self, now: i64, limit: u32) -> Result<Vec<RefundRecord>> {
        let rows: Vec<Record> = sqlx::query_as(&format!(
            "{SELECT} WHERE r.status IN ('due', 'requested') AND r.provider IS NOT NULL AND r.next_attempt_at <= $1
             ORDER BY r.next_attempt_at, r.id LIMIT $2"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Record::into_record).collect()
    }

    async fn claim_refund(&self, refund_id: i64, expected: i64, until: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE refunds SET next_attempt_at = $1
             WHERE id = $2 AND next_attempt_at = $3 AND status IN ('due', 'requested')",
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
            "{SELECT} WHERE r.store_id = $1 AND (NOT $2 OR r.status NOT IN ('succeeded', 'offline'))
             ORDER BY r.created_at DESC, r.id DESC"
        ))
        .bind(store_id)
        .bind(open)
        .fetch_all(&self.pool)
        .await?;
        records(rows)
    }

    async fn order_refunds(&self, order_id: i64) -> Result<Vec<RefundDTO>> {
        let rows: Vec<Record> = sqlx::query_as(&format!("{SELECT} WHERE r.order_id = $1 ORDER BY r.id"))
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?;
        records(rows)
    }

    async fn refund_store(&self, refund_id: i64) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT store_id FROM refunds WHERE id = $1")
            .bind(refund_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(id,)| id))
    }
}
