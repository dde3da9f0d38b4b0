//! An online backup of the embedded database: `VACUUM INTO` on a connection of its own.
//!
//! `VACUUM INTO` reads one snapshot of the database (a read transaction, which in WAL mode never
//! stops the server's writers) and writes it out as a compact, self-contained file: no `-wal`
//! beside it to forget. It is written under a temporary name, synced, checked, and only then
//! renamed into place, so `FILE` is either absent or a whole database, never half of one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::Sqlite;
use crate::error::{Error, Result};

impl Sqlite {
    pub async fn backup(dir: &Path, file: &Path) -> Result<()> {
        let database = dir.join("orderbell.db");
        if !database.exists() {
            return Err(Error::Config(format!(
                "no database at {}: is --data-dir (ORDERBELL_DATA_DIR) the server's?",
                database.display()
            )));
        }
        if file.exists() {
            return Err(Error::Config(format!(
                "{} exists already: choose a new file name (a backup never overwrites)",
                file.display()
            )));
        }
        let partial = partial_name(file);
        let _ = std::fs::remove_file(&partial);
        let written = copy(&database, &partial).await;
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        std::fs::rename(&partial, file)?;
        // The rename itself is on disk once the folder is synced.
        if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(folder)?.sync_all()?;
        }
        Ok(())
    }
}

async fn copy(database: &Path, partial: &Path) -> Result<()> {
    let mut source = SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false)
        // The server may be committing: wait for its write lock rather than fail.
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await?;
    let target = partial
        .to_str()
        .ok_or_else(|| Error::Config(format!("{} is not a UTF-8 path", partial.display())))?;
    sqlx::query("VACUUM INTO ?").bind(target).execute(&mut source).await?;
    source.close().await?;
    std::fs::File::open(partial)?.sync_all()?;
    // Read the copy back whole before it takes the backup's name.
    let mut copy = SqliteConnectOptions::new()
        .filename(partial)
        .read_only(true)
        .connect()
        .await?;
    let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut copy).await?;
    copy.close().await?;
    if verdict != "ok" {
        return Err(Error::Config(format!("the copy failed its integrity check: {verdict}")));
    }
    Ok(())
}

/// `FILE.partial` beside `FILE`: the same folder, so that the rename is atomic.
fn partial_name(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    file.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;

    #[tokio::test]
    async fn a_backup_is_a_whole_database_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("dir");
        let db = Sqlite::open(dir.path()).await.expect("open");
        db.set_setting("probe", "kept").await.expect("write");
        let file = dir.path().join("copy.db");
        Sqlite::backup(dir.path(), &file)
            .await
            .expect("backup while the database is open");
        assert!(!partial_name(&file).exists(), "no temporary file is left behind");

        let restored = tempfile::tempdir().expect("dir");
        std::fs::copy(&file, restored.path().join("orderbell.db")).expect("copy");
        let copy = Sqlite::open(restored.path()).await.expect("the copy opens");
        assert_eq!(copy.setting("probe").await.expect("read").as_deref(), Some("kept"));

        let again = Sqlite::backup(dir.path(), &file).await;
        assert!(again.is_err(), "an existing file is never overwritten");
        let nowhere = Sqlite::backup(&dir.path().join("missing"), &dir.path().join("x.db")).await;
        assert!(nowhere.is_err(), "no database, no backup (and none is created)");
        assert!(!dir.path().join("missing").exists());
        db.close().await;
    }
}
