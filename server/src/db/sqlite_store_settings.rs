//! The SQLite side of store settings: the name in `stores`, the rest in `store_settings`, where a
//! store without a row has the defaults.

use async_trait::async_trait;
use orderbell_shared::store::ManualHours;
use sqlx::SqliteConnection;

use super::Sqlite;
use super::store_settings::{SettingsChange, StoreSettingsStore};
use crate::domain::stores::StoreSettingsRow;
use crate::error::{Error, Result};
use orderbell_shared::bills::OrderingMode;

type SettingsRecord = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i32>,
    Option<bool>,
    Option<bool>,
    Option<i64>,
    Option<String>,
);

#[async_trait]
impl StoreSettingsStore for Sqlite {
    async fn store_settings(&self, store_id: i64) -> Result<Option<StoreSettingsRow>> {
        read(&mut *self.pool.acquire().await?, store_id).await
    }

    async fn update_store_settings(
        &self,
        store_id: i64,
        change: SettingsChange<'_>,
    ) -> Result<Option<StoreSettingsRow>> {
        let mut tx = self
            .pool
            .begin_with("PRAGMA synchronous = FULL; BEGIN IMMEDIATE")
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

async fn read(conn: &mut SqliteConnection, store_id: i64) -> Result<Option<StoreSettingsRow>> {
    let record: Option<SettingsRecord> = sqlx::query_as(
        "SELECT s.name, ss.logo, ss.announcement, ss.hours, ss.utc_offset_minutes, ss.paused,
                ss.manual_open, ss.manual_until, ss.ordering_mode
         FROM stores s LEFT JOIN store_settings ss ON ss.store_id = s.id WHERE s.id = ?",
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
        utc_offset_minutes: offset.unwrap_or(defaults.utc_offset_minutes),
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

async fn write(conn: &mut SqliteConnection, settings: &StoreSettingsRow) -> Result<()> {
    sqlx::query("UPDATE stores SET name = ? WHERE id = ?")
        .bind(&settings.name)
        .bind(settings.store_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO store_settings
           (store_id, logo, announcement, hours, utc_offset_minutes, paused, manual_open, manual_until,
            ordering_mode)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
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
    .bind(settings.utc_offset_minutes)
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
