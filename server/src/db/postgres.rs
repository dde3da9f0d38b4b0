//! The scale-out engine: PostgreSQL, shared by several instances. Writing transactions run at
//! READ COMMITTED, so a read that a write depends on locks its row (`FOR UPDATE`, or an `UPDATE …
//! RETURNING` that takes the lock and the new value at once).

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::error::Result;

pub struct Postgres {
    pub(super) pool: PgPool,
}

impl Postgres {
    /// Connect to `url` and bring its schema up to date. Migrations take PostgreSQL's advisory
    /// lock, so instances starting together apply each migration once.
    pub async fn open(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new().max_connections(16).connect(url).await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Postgres { pool })
    }
}
