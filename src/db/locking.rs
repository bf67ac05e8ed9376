//! Row locks held until the transaction ends, decided once for both backends.
//!
//! PostgreSQL locks the rows a `select … for update` reads. SQLite has no row locks and
//! needs none: every write transaction starts `BEGIN IMMEDIATE` ([`Db::begin`]), so it
//! already holds the database's one writer lock, and an autocommit write runs on the one
//! writer connection. So the same select, unchanged, is the locking read there.
//!
//! [`Db::begin`]: super::Db::begin

use super::Backend;

/// What a locking read does about rows another transaction has locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    /// Wait for them (`for update`): read, decide and write one at a time.
    Wait,
    /// Leave them out (`for update skip locked`): workers sharing a queue each take
    /// different rows.
    SkipLocked,
}

impl Lock {
    /// The clause that ends the select on PostgreSQL.
    fn postgres_clause(self) -> &'static str {
        match self {
            Lock::Wait => " for update",
            Lock::SkipLocked => " for update skip locked",
        }
    }
}

/// `select` made a locking read on `backend`: the rows it returns stay locked until the
/// transaction (or the statement it is nested in) ends.
pub fn locking(backend: Backend, select: &str, lock: Lock) -> String {
    match backend {
        Backend::Sqlite => select.to_owned(),
        Backend::Postgres => format!("{select}{}", lock.postgres_clause()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_gets_the_clause_and_sqlite_the_select_as_it_is() {
        let select = "select 1 from t where id = $1";
        assert_eq!(locking(Backend::Sqlite, select, Lock::Wait), select);
        assert_eq!(
            locking(Backend::Postgres, select, Lock::Wait),
            "select 1 from t where id = $1 for update"
        );
        assert_eq!(
            locking(Backend::Postgres, select, Lock::SkipLocked),
            "select 1 from t where id = $1 for update skip locked"
        );
    }
}
