//! `orderbell backup FILE`: a consistent copy of the database, taken while the server serves.

use std::path::Path;

use crate::config::Config;
use crate::db::Sqlite;
use crate::error::{Error, Result};

/// Copy the embedded database in `config.data_dir` to `file`. PostgreSQL has its own tools for
/// this (`pg_dump`, docs/DEPLOY.md).
pub async fn backup(config: &Config, file: &Path) -> Result<()> {
    if config.database_url.is_some() {
        return Err(Error::Config(
            "orderbell backup copies the embedded SQLite database; on PostgreSQL use pg_dump (docs/DEPLOY.md)".into(),
        ));
    }
    Sqlite::backup(&config.data_dir, file).await
}
