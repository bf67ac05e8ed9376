//! Sessions in the database (tower-sessions' sqlx store) on either backend, with the last
//! second's records kept in memory (`auth::recent_sessions`).

use std::sync::Arc;

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::recent_sessions::RecentSessions;
use crate::clock::Clock;
use crate::db::Db;

/// One store type for the router, whichever database holds the sessions.
#[derive(Clone, Debug)]
pub struct Sessions {
    store: Store,
    recent: Arc<RecentSessions>,
}

#[derive(Clone, Debug)]
enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    /// Creates the store's table if needed. On SQLite it gets its own small pool, so session
    /// reads never queue behind the single writer. Records read are used for a second by
    /// `clock`.
    pub async fn open(db: &Db, clock: Clock) -> Result<Sessions, sqlx::Error> {
        let store = match db {
            Db::Sqlite(pools) => Store::Sqlite(SqliteStore::new(pools.sessions.clone())),
            Db::Postgres(pool) => Store::Postgres(PostgresStore::new(pool.clone())),
        };
        match &store {
            Store::Sqlite(s) => s.migrate().await?,
            Store::Postgres(s) => s.migrate().await?,
        }
        Ok(Sessions {
            store,
            recent: Arc::new(RecentSessions::new(clock)),
        })
    }

    pub async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.store {
            Store::Sqlite(s) => s.delete_expired().await,
            Store::Postgres(s) => s.delete_expired().await,
        }
    }
}

impl Sessions {
    async fn load_stored(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match &self.store {
            Store::Sqlite(s) => s.load(id).await,
            Store::Postgres(s) => s.load(id).await,
        }
    }
}

#[async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let created = match &self.store {
            Store::Sqlite(s) => s.create(record).await,
            Store::Postgres(s) => s.create(record).await,
        };
        self.recent.forget(&record.id);
        created
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let saved = match &self.store {
            Store::Sqlite(s) => s.save(record).await,
            Store::Postgres(s) => s.save(record).await,
        };
        self.recent.forget(&record.id);
        saved
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        if let Some(record) = self.recent.get(id) {
            return Ok(Some(record));
        }
        let ticket = self.recent.ticket();
        let loaded = match self.load_stored(id).await {
            // Often a connection the server closed (its error comes as text): once more, on
            // a fresh one (`db::pool`). A read is safe to repeat.
            Err(session_store::Error::Backend(_)) => {
                crate::db::pool::assume_lost();
                self.load_stored(id).await?
            }
            loaded => loaded?,
        };
        if let Some(record) = &loaded {
            self.recent.keep(ticket, record);
        }
        Ok(loaded)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let deleted = match &self.store {
            Store::Sqlite(s) => s.delete(id).await,
            Store::Postgres(s) => s.delete(id).await,
        };
        self.recent.forget(id);
        deleted
    }
}
