//! The PostgreSQL side of store settings: the name in `stores`, the rest in `store_settings`, where a
//! store without a row has the defaults.

use async_trait::async_trait;
use orderbell_shared::store::ManualHours;
use sqlx::PgConnection;

use super::postgres::Postgres;
use super::store_settings::{SettingsChange, StoreSettingsStore};
use crate::domain::stores::StoreSettingsRow;
use crate::error::{Error, Result};
use orderbell_shared::bills::OrderingMode;

type SettingsRecord = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<bool>,
    Option<bool>,
    Option<i64>,
    Option<String>,
);

#[async_trait]
impl StoreSettingsStore for Postgres {
    async fn store_settings(&self, store_id: i64) -> Result<Option<StoreSettingsRow>> {
        read(&mut *self.pool.acquire().await?, store_id).await
    }

    async fn update_store_settings(
        &self,
        store_id: i64,
        change: SettingsChange<'_>,
    ) -> Result<Option<StoreSettingsRow>> {
        let mut tx = self.pool.begin().await?;
        // The store's row stays locked from here to the commit: a change made meanwhile by another
        // request (or instance) waits instead of being overwritten. Locked first and read after,
        // in a statement of its own: its snapshot then holds what the change before wrote (a
        // locking read joined to store_settings would see the old settings row).
        sqlx::query("SELECT 1 FROM stores WHERE id = $1 FOR UPDATE")
            .bind(store_id)
            .execute(&mut *tx)
            .await?;
        let Some(current) = read(&mut tx, store_id).await? else {
            return Ok(None);
        };
        let next = change(&current)?;
        write(&mut tx, &next).await?;
        tx.commit().await?;
        Ok(Some(next))
    }
}

async fn read(conn: &mut PgConnection, store_id: i64) -> Result<Option<StoreSettingsRow>> {
    let record: Option<SettingsRecord> = sqlx::query_as(
        "SELECT s.name, ss.logo, ss.announcement, ss.hours, ss.utc_offset_minutes, ss.paused,
                ss.manual_open, ss.manual_until, ss.ordering_mode
         FROM stores s LEFT JOIN store_settings ss ON ss.store_id = s.id WHERE s.id = $1",
    )
    .bind(store_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((name, logo, announcement, hours, offset, paused, manual_open, manual_until, mode)) = record else {
        return Ok(None);
    };
    let defaults = StoreSettingsRow::defaults(store_id, name);
    Ok(Some(StoreSettingsRow {
        logo,
        announcement,
        hours: match hours {
            Some(json) => serde_json::from_str(&json)?,
            None => defaults.hours.clone(),
        },
        utc_offset_minutes: match offset {
            Some(minutes) => i32::try_from(minutes).map_err(|e| Error::Database(sqlx::Error::Decode(e.into())))?,
            None => defaults.utc_offset_minutes,
        },
        paused: paused.unwrap_or(defaults.paused),
        manual: manual_open.map(|open| ManualHours {
            open,
            until: manual_until,
        }),
        ordering_mode: match mode.as_deref() {
            None | Some("pay_first") => OrderingMode::PayFirst,
            Some("pay_later") => OrderingMode::PayLater,
            Some(other) => {
                return Err(Error::Database(sqlx::Error::Decode(
                    format!("ordering mode {other:?}").into(),
                )));
            }
        },
        ..defaults
    }))
}

async fn write(conn: &mut PgConnection, settings: &StoreSettingsRow) -> Result<()> {
    sqlx::query("UPDATE stores SET name = $1 WHERE id = $2")
        .bind(&settings.name)
        .bind(settings.store_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO store_settings
           (store_id, logo, announcement, hours, utc_offset_minutes, paused, manual_open, manual_until,
            ordering_mode)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (store_id) DO UPDATE SET
           logo = excluded.logo, announcement = excluded.announcement, hours = excluded.hours,
           utc_offset_minutes = excluded.utc_offset_minutes, paused = excluded.paused,
           manual_open = excluded.manual_open, manual_until = excluded.manual_until,
           ordering_mode = excluded.ordering_mode",
    )
    .bind(settings.store_id)
    .bind(&settings.logo)
    .bind(&settings.announcement)
    .bind(serde_json::to_string(&settings.hours)?)
    .bind(i64::from(settings.utc_offset_minutes))
    .bind(settings.paused)
    .bind(settings.manual.as_ref().map(|m| m.open))
    .bind(settings.manual.as_ref().and_then(|m| m.until))
    .bind(match settings.ordering_mode {
        OrderingMode::PayFirst => "pay_first",
        OrderingMode::PayLater => "pay_later",
    })
    .execute(&mut *conn)
    .await?;
    Ok(())
}
