//! `orderbell backup FILE`: a consistent copy of the database, taken while the server serves.

use std::path::Path;

use crate::config::Config;
use crate::db::Sqlite;
use crate::error::Result;

/// Copy the embedded database in `config.data_dir` to `file`. PostgreSQL has its own tools for
/// this (`pg_dump`, docs/DEPLOY.md).
pub async fn backup(config: &Config, file: &Path) -> Result<()> {
    Sqlite::backup(&config.data_dir, file).await
}
