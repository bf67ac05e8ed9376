//! Tagged, accessible PDFs written in-process with krilla (the certificate, the CPD
//! record): the vendored typeface and shaped lines ([`text`]), blocks in reading order
//! ([`blocks`]), lines flowed down A4 pages ([`flow`]) and the writer that draws them and
//! builds the tag tree ([`write`]). Pure: no storage, no web; each document's own module
//! decides what goes where.

pub mod blocks;
pub mod flow;
pub mod text;
pub mod write;

pub use write::{PdfError, Settings, write, write_accessible};
