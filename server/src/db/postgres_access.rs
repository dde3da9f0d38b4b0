//! The PostgreSQL side of stores and device credentials.

use async_trait::async_trait;
use orderbell_shared::access::Role;
use sqlx::PgPool;

use super::access::{AccessStore, CredentialRow, Holder, Issued};
use super::postgres::Postgres;
use crate::domain::stores::StoreRow;
use crate::error::Result;

type Record = (i64, Option<i64>, String, String, i64, Option<i64>);

const COLUMNS: &str = "id, store_id, role, name, created_at, revoked_at";

fn row((id, store_id, role, name, created_at, revoked_at): Record) -> Option<CredentialRow> {
    let holder = match (store_id, role.as_str()) {
        (None, "operator") => Holder::Operator,
        (Some(store_id), role) => Holder::Store {
            store_id,
            role: role.parse().ok()?,
        },
        _ => return None,
    };
    Some(CredentialRow {
        id,
        holder,
        name,
        created_at,
        revoked_at,
    })
}

fn columns(holder: Holder) -> (Option<i64>, &'static str) {
    match holder {
        Holder::Store { store_id, role } => (Some(store_id), Role::as_str(role)),
        Holder::Operator => (None, "operator"),
    }
}

async fn live_named(pool: &PgPool, store_id: Option<i64>, name: &str) -> Result<Option<CredentialRow>> {
    let record: Option<Record> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM credentials WHERE store_id IS NOT DISTINCT FROM $1 AND name = $2 AND revoked_at IS NULL"
    ))
    .bind(store_id)
    .bind(name)
    .fetch_optional(pool)
    .await?;
    Ok(record.and_then(row))
}

#[async_trait]
impl AccessStore for Postgres {
    async fn create_store(&self, name: &str) -> Result<Option<StoreRow>> {
        let mut tx = self.pool.begin().await?;
        // Two instances creating the same name at once: the second waits and then sees it.
        sqlx::query("LOCK TABLE stores IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        let id: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO stores (name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM stores WHERE name = $1) RETURNING id",
        )
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id.map(|(id,)| StoreRow {
            id,
            name: name.to_owned(),
        }))
    }

    async fn store(&self, store_id: i64) -> Result<Option<StoreRow>> {
        let record: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM stores WHERE id = $1")
            .bind(store_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(record.map(|(id, name)| StoreRow { id, name }))
    }

    async fn issue_credential(&self, holder: Holder, name: &str, now: i64) -> Result<Issued> {
        let (store_id, role) = columns(holder);
        if let Some(existing) = live_named(&self.pool, store_id, name).await? {
            return Ok(Issued::Existing(existing));
        }
        let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO credentials (store_id, role, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(store_id)
        .bind(role)
        .bind(name)
        .bind(now)
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok((id,)) => Ok(Issued::New(CredentialRow {
                id,
                holder,
                name: name.to_owned(),
                created_at: now,
                revoked_at: None,
            })),
            // Issued at the same moment by another request: that one is the live one.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => live_named(&self.pool, store_id, name)
                .await?
                .map(Issued::Existing)
                .ok_or(sqlx::Error::RowNotFound.into()),
            Err(e) => Err(e.into()),
        }
    }

    async fn credentials(&self) -> Result<Vec<CredentialRow>> {
        let records: Vec<Record> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM credentials ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        Ok(records.into_iter().filter_map(row).collect())
    }

    async fn revoke_credential(&self, store_id: i64, id: i64, now: i64) -> Result<Option<CredentialRow>> {
        let record: Option<Record> = sqlx::query_as(&format!(
            "UPDATE credentials SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND store_id = $3 RETURNING {COLUMNS}"
        ))
        .bind(now)
        .bind(id)
        .bind(store_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(record.and_then(row))
    }
}
