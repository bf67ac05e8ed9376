//! Authentication: passwords, sessions, the viewer and its extractors, CSRF, rate limits,
//! the known-device cookie.

pub mod client;
pub mod csrf;
pub mod device;
pub mod keys;
pub mod password;
pub mod rate_limit;
pub mod recent_sessions;
pub mod recent_users;
pub mod session_lifetime;
pub mod session_store;
pub mod throttle;
pub mod viewer;

pub use client::ClientAddress;
pub use viewer::{AdminUser, CurrentUser, Viewer};
