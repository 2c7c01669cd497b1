//! Backups of the SQLite data: a consistent copy taken while the server runs (SQLite's
//! `VACUUM INTO` reads one snapshot under WAL while orders go on being written), checked
//! before it is called done, and its restore into a stopped server's data directory. A
//! running server holds a shared lock on its data directory; a restore takes it exclusively,
//! so it never swaps the file under a server.

use crate::db::DB_FILE;
use std::fs::File;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("no database at {0} (is this the server's data directory?)")]
    NoDatabase(PathBuf),
    #[error("{0} exists already: a backup never overwrites, choose a new name")]
    Exists(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0} is not a sound tableorder backup: {1}")]
    NotABackup(PathBuf, String),
    #[error("a server is running on {0}: stop it before restoring (a backup can be taken while it runs, a restore cannot)")]
    InUse(PathBuf),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub orders: i64,
    pub bytes: u64,
}

/// A restore: what was put back, and where the database it replaced was kept.
#[derive(Debug)]
pub struct Restored {
    pub copied: Copied,
    pub replaced: Option<PathBuf>,
}

/// A lock on a data directory: shared by the servers using it, exclusive for a restore.
#[derive(Debug)]
pub struct DataLock(#[allow(dead_code)] File);

impl DataLock {
    fn file(dir: &Path) -> Result<File, BackupError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let path = dir.join("tableorder.lock");
        File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))
    }

    /// Held by a server for as long as it runs.
    pub fn shared(dir: &Path) -> Result<DataLock, BackupError> {
        let file = Self::file(dir)?;
        file.try_lock_shared()
            .map_err(|_| BackupError::InUse(dir.to_path_buf()))?;
        Ok(DataLock(file))
    }

    fn exclusive(dir: &Path) -> Result<DataLock, BackupError> {
        let file = Self::file(dir)?;
        file.try_lock()
            .map_err(|_| BackupError::InUse(dir.to_path_buf()))?;
        Ok(DataLock(file))
    }
}

/// Copies the data directory's database to `to`, consistently, while a server may run.
pub fn backup(data_dir: &Path, to: &Path) -> Result<Copied, BackupError> {
    let db = data_dir.join(DB_FILE);
    if !db.exists() {
        return Err(BackupError::NoDatabase(db));
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_path_buf()));
    }
    let target = to
        .to_str()
        .ok_or_else(|| BackupError::NotABackup(to.to_path_buf(), "not a UTF-8 path".into()))?;
    let conn = crate::db::open_file(&db)?;
    conn.execute("VACUUM INTO ?1", [target])?;
    checked(to)
}

/// Whether `file` is a sound database of ours; what it holds.
fn checked(file: &Path) -> Result<Copied, BackupError> {
    let not = |why: String| BackupError::NotABackup(file.to_path_buf(), why);
    let conn =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| not(e.to_string()))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|e| not(e.to_string()))?;
    if integrity != "ok" {
        return Err(not(integrity));
    }
    let orders: i64 = conn
        .query_row("SELECT COUNT(*) FROM order_records", [], |row| row.get(0))
        .map_err(|e| not(format!("no order records ({e})")))?;
    let bytes = std::fs::metadata(file).map_err(io(file))?.len();
    Ok(Copied { orders, bytes })
}

/// Puts the backup `from` in place as the data directory's database. The server must be
/// stopped; the database replaced (and its write-ahead log) is kept beside it.
pub fn restore(from: &Path, data_dir: &Path) -> Result<Restored, BackupError> {
    let copied = checked(from)?;
    let _lock = DataLock::exclusive(data_dir)?;
    let db = data_dir.join(DB_FILE);
    let incoming = data_dir.join(format!("{DB_FILE}.restoring"));
    std::fs::copy(from, &incoming).map_err(io(&incoming))?;
    File::open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(io(&incoming))?;
    let replaced = if db.exists() {
        let kept = data_dir.join(format!(
            "{DB_FILE}.before-restore-{}",
            crate::ledger::now_ms()
        ));
        std::fs::rename(&db, &kept).map_err(io(&db))?;
        // The old file's log and index go with it: left here they would be read as the
        // restored file's.
        for suffix in ["-wal", "-shm"] {
            let side = data_dir.join(format!("{DB_FILE}{suffix}"));
            if side.exists() {
                let beside = PathBuf::from(format!("{}{suffix}", kept.display()));
                std::fs::rename(&side, &beside).map_err(io(&side))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&incoming, &db).map_err(io(&incoming))?;
    File::open(data_dir)
        .and_then(|d| d.sync_all())
        .map_err(io(data_dir))?;
    Ok(Restored { copied, replaced })
}
