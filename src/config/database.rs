//! Which database to use: `DATABASE_URL`, whose scheme decides the backend.

use std::fmt;

use url::Url;

/// Where the data lives. The scheme decides the backend.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        match self {
            DatabaseUrl::Sqlite(url) | DatabaseUrl::Postgres(url) => url,
        }
    }

    pub(super) fn parse(raw: &str) -> Result<Self, String> {
        if raw.starts_with("sqlite:") {
            if raw.contains(":memory:") || raw.contains("mode=memory") {
                return Err("an in-memory SQLite database cannot be shared between the reader and writer pools; use a file such as sqlite://academy.db".into());
            }
            Ok(DatabaseUrl::Sqlite(raw.to_owned()))
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Url::parse(raw).map_err(|e| format!("is not a valid PostgreSQL URL ({e})"))?;
            Ok(DatabaseUrl::Postgres(raw.to_owned()))
        } else {
            Err("must start with sqlite:// or postgres://".into())
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    /// Never prints a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Url::parse(self.as_str()) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("[redacted]"));
                write!(f, "{url}")
            }
            _ => write!(f, "{}", self.as_str()),
        }
    }
}
