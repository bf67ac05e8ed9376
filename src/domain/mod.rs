//! Pure rules with no I/O: parse-validated values and the policies built on them.

pub mod email;
pub mod password;
