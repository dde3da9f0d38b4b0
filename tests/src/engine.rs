//! Which database the servers under test run on. Unset, SQLite in each server's data dir; with
//! `ORDERBELL_TEST_DATABASE_URL` (an admin URL, as `scripts/test`'s second pass sets), PostgreSQL:
//! each server gets a database of its own, created here and kept across its restarts.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection as _;

const URL_VAR: &str = "ORDERBELL_TEST_DATABASE_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub fn engine() -> Engine {
    match admin_url() {
        Some(_) => Engine::Postgres,
        None => Engine::Sqlite,
    }
}

fn admin_url() -> Option<String> {
    std::env::var(URL_VAR).ok().filter(|url| !url.is_empty())
}

/// True, after saying why, when the test is about the SQLite file itself and so does not apply
/// to this run's engine: the caller returns at once.
pub fn skip_on_postgres(why: &str) -> bool {
    let skip = engine() == Engine::Postgres;
    if skip {
        eprintln!("not run on PostgreSQL: {why}");
    }
    skip
}

/// A new, empty database for one server (`None` on SQLite, where the data dir is the database).
pub async fn fresh_database() -> Option<String> {
    let admin = admin_url()?;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |t| t.subsec_nanos());
    // Unique across the test binaries running at once (pid) and within one (counter).
    let name = format!(
        "ob_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("{URL_VAR} {admin} answers: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE for a test server");
    let _ = conn.close().await;
    Some(with_database(&admin, &name))
}

/// `admin` with its database name replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..].find('/').map_or(base.len(), |i| after_scheme + i);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "ob_1"),
            "postgres://postgres@127.0.0.1:5432/ob_1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "ob_2"),
            "postgres://u:p@h/ob_2?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "ob_3"), "postgres://h:1/ob_3");
    }
}
