//! SQLite: short write texts from many requests run on the one writer inside one
//! transaction (a group commit). Each text runs in a savepoint of its own, so one that
//! fails is rolled back alone and answered its error; the rest commit together.
//!
//! Why: a text on its own costs the writer a pool hand-out and hand-back and a wake-up of
//! the request's task each time, and the writer's thread sat idle through them (about 30 %
//! busy at 1,200 places a second); and every commit writes each page it changed to the log
//! again, so texts that add to the same pages (the cohort's row, the tables' last leaves)
//! write them once per batch instead of once each. Texts wait only while the batch before
//! them runs: one that arrives at an idle writer is written at once, as a batch of one.

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::binds::{Value, bind_values};

/// At most this many texts share a commit (the writer lock is held for all of them).
const MOST_IN_A_BATCH: usize = 64;

/// One request's writes.
pub struct Text {
    pub sql: String,
    pub binds: Vec<Value>,
    /// Texts of one batch run in this order (lowest first).
    pub order: i64,
    /// A query answering one integer, run after a failed text is rolled back, still
    /// inside the batch's transaction (what the caller needs to tell why it failed).
    pub after_failure: &'static str,
}

/// What became of a [`Text`].
#[derive(Debug)]
pub enum Ran {
    /// Written and committed.
    Written,
    /// It failed and wrote nothing; `then` is its `after_failure` answer.
    Failed { error: sqlx::Error, then: i64 },
    /// Nothing of it was written (the batch could not begin, roll back a failed text or
    /// commit, or the writer's pool is closed): ask again the long way.
    NotRun,
}

/// The queue in front of the writer; cloning shares it.
#[derive(Clone, Debug)]
pub struct WriterBatch {
    queue: mpsc::UnboundedSender<Queued>,
}

struct Queued {
    text: Text,
    answer: oneshot::Sender<Ran>,
}

impl WriterBatch {
    /// Starts the task that writes batches on `writer` (on the current Tokio runtime). It
    /// ends when the last clone of the queue is dropped.
    pub fn start(writer: SqlitePool) -> WriterBatch {
        let (queue, waiting) = mpsc::unbounded_channel();
        tokio::spawn(serve(writer, waiting));
        WriterBatch { queue }
    }

    /// Runs `text` in the next batch. A request dropped while it waits does not stop it:
    /// the batch is written by its own task, whole.
    pub async fn run(&self, text: Text) -> Ran {
        let (answer, answered) = oneshot::channel();
        if self.queue.send(Queued { text, answer }).is_err() {
            return Ran::NotRun;
        }
        answered.await.unwrap_or(Ran::NotRun)
    }
}

async fn serve(writer: SqlitePool, mut waiting: mpsc::UnboundedReceiver<Queued>) {
    while let Some(first) = waiting.recv().await {
        let mut batch = vec![first];
        while batch.len() < MOST_IN_A_BATCH {
            match waiting.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        batch.sort_by_key(|queued| queued.text.order);
        // A batch that stops part-way drops the answers it still holds: those texts hear
        // `NotRun`, and closing the connection rolled them back.
        write(&writer, batch).await;
    }
}

/// The writer's connection while a batch runs in it: closed instead of put back unless
/// the batch was seen through, since SQLite may still be inside its transaction, and
/// closing rolls that back.
struct Writer {
    conn: PoolConnection<Sqlite>,
    settled: bool,
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.settled {
            self.conn.close_on_drop();
        }
    }
}

async fn write(writer: &SqlitePool, batch: Vec<Queued>) {
    let Ok(conn) = writer.acquire().await else {
        return;
    };
    let mut writer = Writer {
        conn,
        settled: false,
    };
    let conn = &mut *writer.conn;
    if sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *conn)
        .await
        .is_err()
    {
        return;
    }
    let mut written = Vec::with_capacity(batch.len());
    for Queued { text, answer } in batch {
        let sql = format!("SAVEPOINT batched;\n{};\nRELEASE batched", text.sql);
        let ran = bind_values!(sqlx::query(&sql), text.binds)
            .execute(&mut *conn)
            .await;
        let Err(error) = ran else {
            written.push(answer);
            continue;
        };
        // SQLite stopped the text at the failing statement, inside its savepoint.
        let undo = format!(
            "ROLLBACK TO batched;\nRELEASE batched;\n{}",
            text.after_failure
        );
        let Ok(rows) = sqlx::query_scalar::<_, i64>(&undo)
            .fetch_all(&mut *conn)
            .await
        else {
            return;
        };
        let Some(then) = rows.last().copied() else {
            return;
        };
        let _ = answer.send(Ran::Failed { error, then });
    }
    if sqlx::query("COMMIT").execute(&mut *conn).await.is_err() {
        return;
    }
    writer.settled = true;
    for answer in written {
        let _ = answer.send(Ran::Written);
    }
}
