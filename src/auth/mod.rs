//! Authentication: password hashing now; sessions, extractors and CSRF build on it.

pub mod password;
