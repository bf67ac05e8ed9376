//! The CPD record's pure rules: entry values and their checking, the regulators' cycles
//! and expectations, and totals by year. Storage and pages build on these; nothing here
//! does I/O.
//!
//! Start at [`regulator::overview`] (what the CPD page shows), [`validation`] (the
//! forms) and [`counting::Counted`] (what storage hands the rules for each entry).

pub mod counting;
pub mod cycle;
pub mod entry;
pub mod fields;
pub mod gmc;
pub mod gphc;
pub mod hcpc;
pub mod hours;
pub mod nmc;
pub mod nmc_records;
pub mod record_layout;
pub mod regulator;
pub mod share;
pub mod totals;
pub mod validation;
