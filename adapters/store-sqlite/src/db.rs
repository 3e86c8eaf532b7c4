//! Connections: one writer on its own thread fed by a channel, a small pool of readers used
//! on tokio's blocking threads. Async callers never block the runtime.
//!
//! Durability: WAL with `synchronous=NORMAL`. A committed transaction is in the WAL file
//! before `write` returns, so killing the process (even `kill -9`) loses nothing; only an OS
//! crash or power cut can lose the last transactions (never corrupt the file). Set
//! [`Durability::Full`] to fsync on every commit when that matters more than latency.

use crate::error::{StoreError, StoreResult};
use crate::migrate;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

/// How hard SQLite syncs commits to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=NORMAL`: survives process crashes; an OS crash may lose the last commits.
    #[default]
    Normal,
    /// `synchronous=FULL`: fsync on every commit.
    Full,
}

/// Tuning for [`crate::Store::open`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Number of read connections (parallel readers).
    pub readers: usize,
    /// How long a statement waits for another process's lock before failing.
    pub busy_timeout: Duration,
    pub durability: Durability,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            readers: 4,
            busy_timeout: Duration::from_secs(5),
            durability: Durability::Normal,
        }
    }
}

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

pub(crate) struct Db {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<Job>>>,
    writer_thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    readers: Mutex<Vec<Connection>>,
    read_permits: Arc<Semaphore>,
    options: StoreOptions,
}

fn configure(conn: &Connection, options: &StoreOptions, read_only: bool) -> StoreResult<()> {
    conn.busy_timeout(options.busy_timeout)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let sync = match options.durability {
        Durability::Normal => "NORMAL",
        Durability::Full => "FULL",
    };
    conn.pragma_update(None, "synchronous", sync)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    if read_only {
        conn.pragma_update(None, "query_only", true)?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    crate::sql_functions::register(conn)?;
    Ok(())
}

pub(crate) fn open_connection(
    path: &Path,
    options: &StoreOptions,
    read_only: bool,
) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn, options, read_only)?;
    Ok(conn)
}

impl Db {
    /// Opens the writer (switching the file to WAL and migrating it) and the readers.
    pub(crate) fn open(path: &Path, options: StoreOptions) -> StoreResult<(Arc<Db>, Vec<i64>)> {
        let mut writer = open_connection(path, &options, false)?;
        let mode: String = writer.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable(format!(
                "cannot switch {} to WAL (journal mode {mode})",
                path.display()
            )));
        }
        let applied = migrate::migrate(&mut writer)?;
        let mut readers = Vec::with_capacity(options.readers.max(1));
        for _ in 0..options.readers.max(1) {
            readers.push(open_connection(path, &options, true)?);
        }
        let (tx, rx) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("anytime-store-writer".into())
            .spawn(move || {
                let mut conn = writer;
                for job in rx {
                    // A panicking job must not take the writer down; its transaction rolls
                    // back on unwind and its caller sees `Unavailable`.
                    if catch_unwind(AssertUnwindSafe(|| job(&mut conn))).is_err() {
                        tracing::error!("a store write panicked; its transaction was rolled back");
                    }
                }
                if let Err(e) = conn.execute_batch("PRAGMA optimize") {
                    tracing::warn!("PRAGMA optimize on close: {e}");
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer: {e}")))?;
        let permits = readers.len();
        let db = Db {
            path: path.to_path_buf(),
            writer: Mutex::new(Some(tx)),
            writer_thread: Mutex::new(Some(thread)),
            readers: Mutex::new(readers),
            read_permits: Arc::new(Semaphore::new(permits)),
            options,
        };
        Ok((Arc::new(db), applied))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one immediate transaction on the writer; commits when it returns `Ok`.
    pub(crate) async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn: &mut Connection| {
            let result = (|| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            })();
            let _ = reply.send(result);
        });
        let sender = self
            .writer
            .lock()
            .map_err(|_| StoreError::Unavailable("writer lock poisoned".into()))?
            .clone()
            .ok_or_else(|| StoreError::Unavailable("the store is closed".into()))?;
        sender
            .send(job)
            .map_err(|_| StoreError::Unavailable("the writer stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the write was abandoned".into()))?
    }

    /// Runs `f` on a pooled read connection inside one read transaction (a consistent
    /// snapshot across its statements), on a blocking thread.
    pub(crate) async fn read<T, F>(self: &Arc<Self>, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let permit = self
            .read_permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Unavailable("the reader pool is closed".into()))?;
        let db = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let conn = db.take_reader()?;
            let result = (|| {
                conn.execute_batch("BEGIN DEFERRED")?;
                let value = f(&conn);
                conn.execute_batch("COMMIT")?;
                value
            })();
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            db.put_reader(conn);
            result
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("a read task failed: {e}")))?
    }

    fn take_reader(&self) -> StoreResult<Connection> {
        let pooled = self
            .readers
            .lock()
            .map_err(|_| StoreError::Unavailable("reader pool poisoned".into()))?
            .pop();
        match pooled {
            Some(conn) => Ok(conn),
            // Only after a reader was lost to a panic: replace it.
            None => open_connection(&self.path, &self.options, true),
        }
    }

    fn put_reader(&self, conn: Connection) {
        if let Ok(mut pool) = self.readers.lock() {
            pool.push(conn);
        }
    }

    /// Stops accepting writes, lets queued ones finish, and joins the writer thread.
    pub(crate) fn close(&self) {
        if let Ok(mut writer) = self.writer.lock() {
            writer.take();
        }
        let handle = self.writer_thread.lock().ok().and_then(|mut h| h.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        self.close();
    }
}
