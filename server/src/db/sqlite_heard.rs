//! The SQLite side of devices, receipts and escalations.

use orderbell_shared::heard::{AlertEscalated, AlertReceipt, UnheardAlert};
use orderbell_shared::order::{ReminderState, order_no};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{SqliteConnection, SqlitePool};

use super::heard::{DeviceRow, alert_of};
use crate::domain::alerts::{AlertRow, EscalationRow};
use crate::error::Result;

/// An enum's name on the wire (`"sounded"`), which is also how it is stored.
pub(super) fn name<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// An enum from its stored name.
pub(super) fn parse<T: DeserializeOwned>(name: String) -> Result<T> {
    Ok(serde_json::from_value(serde_json::Value::String(name))?)
}

pub async fn touch_device(pool: &SqlitePool, device: &DeviceRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO devices (store_id, device_id, name, kind, last_seen_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (store_id, device_id) DO UPDATE SET
           name = excluded.name, kind = excluded.kind,
           last_seen_at = MAX(last_seen_at, excluded.last_seen_at)",
    )
    .bind(device.store_id)
    .bind(&device.device_id)
    .bind(&device.name)
    .bind(name(device.kind))
    .bind(device.last_seen_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn devices(pool: &SqlitePool, store_id: i64) -> Result<Vec<DeviceRow>> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT device_id, name, kind, last_seen_at FROM devices WHERE store_id = ? ORDER BY last_seen_at DESC",
    )
    .bind(store_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(device_id, name, kind, last_seen_at)| {
            Ok(DeviceRow {
                store_id,
                device_id,
                name,
                kind: parse(kind)?,
                last_seen_at,
            })
        })
        .collect()
}

type ReminderRecord = (i64, i64, i64, Option<String>, Option<i64>);
type ReceiptRecord = (i64, i64, String, String, String, i64);
type EscalationRecord = (i64, i64, String, String, i64, i64);
type UnheardRecord = (i64, i64, String, String, i64, Option<i64>);
type AlertRecord = (
    i64,
    i64,
    i64,
    String,
    i64,
    bool,
    bool,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// Every alert that needs a person, and every escalation still open, across stores.
pub async fn alerts(pool: &SqlitePool) -> Result<Vec<AlertRow>> {
    let rows: Vec<AlertRecord> = sqlx::query_as(
        "SELECT o.id, 0, o.store_id, o.table_number, COALESCE(o.paid_at, o.created_at), o.status IN ('submitted', 'paid'),
                EXISTS (SELECT 1 FROM alert_receipts r
                        WHERE r.order_id = o.id AND r.reminder_id = 0 AND r.state = 'sounded'),
                e.reason, e.started_at, e.settled_at
         FROM orders o LEFT JOIN escalations e ON e.order_id = o.id AND e.reminder_id = 0
         WHERE o.status IN ('submitted', 'paid') OR (e.started_at IS NOT NULL AND e.settled_at IS NULL)
         UNION ALL
         SELECT m.order_id, m.id, o.store_id, o.table_number, m.created_at,
                m.reply IS NULL AND o.status IN ('submitted', 'paid', 'accepted'),
                EXISTS (SELECT 1 FROM alert_receipts r
                        WHERE r.order_id = m.order_id AND r.reminder_id = m.id AND r.state = 'sounded'),
                e.reason, e.started_at, e.settled_at
         FROM reminders m JOIN orders o ON o.id = m.order_id
         LEFT JOIN escalations e ON e.order_id = m.order_id AND e.reminder_id = m.id
         WHERE (m.reply IS NULL AND o.status IN ('submitted', 'paid', 'accepted'))
            OR (e.started_at IS NOT NULL AND e.settled_at IS NULL)",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(
            |(
                order_id,
                reminder_id,
                store_id,
                table_number,
                since,
                needs_person,
                sounded,
                reason,
                started,
                settled,
            )| {
                Ok(AlertRow {
                    order_id,
                    reminder_id,
                    store_id,
                    table_number,
                    since,
                    needs_person,
                    sounded,
                    escalation: match reason.zip(started) {
                        Some((reason, started_at)) => Some(EscalationRow {
                            reason: parse(reason)?,
                            started_at,
                            settled_at: settled,
                        }),
                        None => None,
                    },
                })
            },
        )
        .collect()
}

pub async fn open_reminders(pool: &SqlitePool, store_id: i64) -> Result<Vec<ReminderState>> {
    let rows: Vec<ReminderRecord> = sqlx::query_as(
        "SELECT m.id, m.order_id, m.created_at, m.reply, m.replied_at
         FROM reminders m JOIN orders o ON o.id = m.order_id
         WHERE o.store_id = ? AND o.status IN ('submitted', 'paid', 'accepted', 'ready') ORDER BY m.id",
    )
    .bind(store_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(reminder_id, order_id, at, reply, replied_at)| ReminderState {
            reminder_id,
            order_id,
            at,
            reply,
            replied_at,
        })
        .collect())
}

pub async fn open_receipts(pool: &SqlitePool, store_id: i64) -> Result<Vec<AlertReceipt>> {
    let rows: Vec<ReceiptRecord> = sqlx::query_as(
        "SELECT r.order_id, r.reminder_id, r.device_id, r.device_name, r.state, r.at
         FROM alert_receipts r JOIN orders o ON o.id = r.order_id
         WHERE o.store_id = ? AND o.status IN ('submitted', 'paid', 'accepted', 'ready') ORDER BY r.at, r.order_id",
    )
    .bind(store_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(order_id, reminder_id, device_id, device_name, state, at)| {
            let (alert, reminder_id) = alert_of(reminder_id);
            Ok(AlertReceipt {
                order_id,
                alert,
                reminder_id,
                device_id,
                device_name,
                state: parse(state)?,
                at,
            })
        })
        .collect()
}

pub async fn open_escalations(pool: &SqlitePool, store_id: i64) -> Result<Vec<AlertEscalated>> {
    let rows: Vec<EscalationRecord> = sqlx::query_as(
        "SELECT e.order_id, e.reminder_id, o.table_number, e.reason, e.since, e.started_at
         FROM escalations e JOIN orders o ON o.id = e.order_id
         WHERE e.store_id = ? AND e.settled_at IS NULL ORDER BY e.since",
    )
    .bind(store_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(order_id, reminder_id, table_number, reason, since, at)| {
            let (alert, reminder_id) = alert_of(reminder_id);
            Ok(AlertEscalated {
                order_id,
                order_no: order_no(order_id),
                table_number,
                alert,
                reminder_id,
                reason: parse(reason)?,
                since,
                at,
            })
        })
        .collect()
}

pub async fn unheard(pool: &SqlitePool, store_id: i64, now: i64, limit: u32) -> Result<Vec<UnheardAlert>> {
    let rows: Vec<UnheardRecord> = sqlx::query_as(
        "SELECT e.order_id, e.reminder_id, o.table_number, e.reason, e.since, e.settled_at
         FROM escalations e JOIN orders o ON o.id = e.order_id
         WHERE e.store_id = ? ORDER BY e.since DESC LIMIT ?",
    )
    .bind(store_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(order_id, reminder_id, table_number, reason, since, settled_at)| {
            Ok(UnheardAlert {
                order_id,
                order_no: order_no(order_id),
                table_number,
                alert: alert_of(reminder_id).0,
                reason: parse(reason)?,
                since,
                settled_at,
                unheard_ms: settled_at.unwrap_or(now).saturating_sub(since).max(0),
            })
        })
        .collect()
}

pub async fn setting(pool: &SqlitePool, key: &str) -> Result<Option<String>> {
    let value: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    Ok(value.map(|(v,)| v))
}

pub async fn set_setting(pool: &SqlitePool, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await?;
    Ok(())
}

/// Record a receipt; false if this device already reported this state of this alert.
pub async fn insert_receipt(conn: &mut SqliteConnection, receipt: &AlertReceipt) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO alert_receipts (order_id, reminder_id, device_id, device_name, state, at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(receipt.order_id)
    .bind(receipt.reminder_id.unwrap_or(0))
    .bind(&receipt.device_id)
    .bind(&receipt.device_name)
    .bind(name(receipt.state))
    .bind(receipt.at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Open an escalation; false if the alert was escalated before.
pub async fn insert_escalation(conn: &mut SqliteConnection, store_id: i64, e: &AlertEscalated) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO escalations (order_id, reminder_id, store_id, reason, since, started_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(e.order_id)
    .bind(e.reminder_id.unwrap_or(0))
    .bind(store_id)
    .bind(name(e.reason))
    .bind(e.since)
    .bind(e.at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Settle an open escalation; its `since` if it was open.
pub async fn settle_escalation(
    conn: &mut SqliteConnection,
    order_id: i64,
    reminder_id: i64,
    at: i64,
) -> Result<Option<i64>> {
    let since: Option<(i64,)> = sqlx::query_as(
        "UPDATE escalations SET settled_at = ?
         WHERE order_id = ? AND reminder_id = ? AND settled_at IS NULL RETURNING since",
    )
    .bind(at)
    .bind(order_id)
    .bind(reminder_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(since.map(|(s,)| s))
}
