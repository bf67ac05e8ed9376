//! The CPD record's tables: `cpd_entries` (each learner's log: verified entries made from
//! certificates, self-declared activities, NMC feedback and discussion records) here, and
//! their history in [`history`]. Every read is scoped to the learner: another learner's
//! entry is simply not found.

use chrono::{DateTime, NaiveDate, Utc};

use super::binds::{Value, bind_values};
use super::locking::{Lock, locking};
use super::{Db, DbError, Tx, run};
use crate::domain::certificate::CertificateState;
use crate::domain::cpd::counting::Counted;
use crate::domain::cpd::entry::{
    CodeTheme, EntryKind, FeedbackSource, Flags, GmpDomain, HcpcStandard, Method, Planning,
};
use crate::domain::search;

mod counted;
pub mod evidence;
pub mod export;
pub mod history;
mod listing;
pub mod reminders;
pub mod share;

pub use counted::counted_for_user;
pub use listing::{Filter, Selection, count, list};

/// An entry as stored, with its certificate's code and state when it is a verified one.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Entry {
    pub entry_id: i64,
    pub user_id: i64,
    pub kind: EntryKind,
    pub certificate_id: Option<i64>,
    pub title: String,
    pub provider: String,
    pub method: Option<Method>,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub minutes: i64,
    pub participatory_minutes: i64,
    pub planning: Option<Planning>,
    pub topic: String,
    pub learning_outcomes: String,
    pub reflection_learned: String,
    pub reflection_practice: String,
    pub reflection_benefit: String,
    pub code_theme: Option<CodeTheme>,
    /// [`Flags`] as stored; read with [`Entry::hcpc`].
    pub hcpc_standards: String,
    /// [`Flags`] as stored; read with [`Entry::gmp`].
    pub gmp_domains: String,
    pub feedback_source: Option<FeedbackSource>,
    pub source_other: String,
    pub about: String,
    pub how_used: String,
    pub partner_name: String,
    pub partner_pin: String,
    /// ",a,b," as stored; see [`Entry::tag_list`].
    pub tags: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The certificate's public code (verified entries).
    pub certificate_code: Option<String>,
    pub certificate_status: Option<CertificateState>,
}

impl Entry {
    /// Made from a certificate: its facts are the certificate's.
    pub fn is_verified(&self) -> bool {
        self.certificate_id.is_some()
    }

    /// A verified entry whose certificate was revoked: it no longer counts.
    pub fn is_revoked(&self) -> bool {
        self.certificate_status == Some(CertificateState::Revoked)
    }

    pub fn tag_list(&self) -> Vec<&str> {
        self.tags.split(',').filter(|t| !t.is_empty()).collect()
    }

    pub fn hcpc(&self) -> Flags<HcpcStandard> {
        Flags::from_stored(&self.hcpc_standards).unwrap_or_default()
    }

    pub fn gmp(&self) -> Flags<GmpDomain> {
        Flags::from_stored(&self.gmp_domains).unwrap_or_default()
    }

    /// What the regulators' rules count of it.
    pub fn counted(&self) -> Counted {
        let reflection_complete = [
            &self.reflection_learned,
            &self.reflection_practice,
            &self.reflection_benefit,
        ]
        .iter()
        .all(|part| !part.trim().is_empty());
        Counted {
            kind: self.kind,
            method: self.method,
            started_on: self.started_on,
            ended_on: self.ended_on,
            minutes: self.minutes,
            participatory_minutes: self.participatory_minutes,
            planning: self.planning,
            reflection_complete,
            code_theme: self.code_theme,
            hcpc_standards: self.hcpc(),
            gmp_domains: self.gmp(),
            counts: !self.is_revoked(),
        }
    }
}

const COLUMNS: &str = "e.entry_id, e.user_id, e.kind, e.certificate_id, e.title, e.provider, \
     e.method, e.started_on, e.ended_on, e.minutes, e.participatory_minutes, e.planning, e.topic, \
     e.learning_outcomes, e.reflection_learned, e.reflection_practice, e.reflection_benefit, \
     e.code_theme, e.hcpc_standards, e.gmp_domains, e.feedback_source, e.source_other, e.about, \
     e.how_used, e.partner_name, e.partner_pin, e.tags, e.created_at, e.updated_at, \
     c.code as certificate_code, c.status as certificate_status";

const FROM: &str =
    "from cpd_entries e left join certificates c on c.certificate_id = e.certificate_id";

/// Everything an entry holds that a write sets (all but ids and times).
#[derive(Clone, Debug, Default)]
pub struct EntryFields {
    pub kind: Option<EntryKind>,
    pub certificate_id: Option<i64>,
    pub title: String,
    pub provider: String,
    pub method: Option<Method>,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub minutes: i64,
    pub participatory_minutes: i64,
    pub planning: Option<Planning>,
    pub topic: String,
    pub learning_outcomes: String,
    pub reflection_learned: String,
    pub reflection_practice: String,
    pub reflection_benefit: String,
    pub code_theme: Option<CodeTheme>,
    pub hcpc_standards: String,
    pub gmp_domains: String,
    pub feedback_source: Option<FeedbackSource>,
    pub source_other: String,
    pub about: String,
    pub how_used: String,
    pub partner_name: String,
    pub partner_pin: String,
    pub tags: String,
}

impl EntryFields {
    /// The fields of a stored entry, to change some and write them back.
    pub fn of(entry: &Entry) -> EntryFields {
        EntryFields {
            kind: Some(entry.kind),
            certificate_id: entry.certificate_id,
            title: entry.title.clone(),
            provider: entry.provider.clone(),
            method: entry.method,
            started_on: entry.started_on,
            ended_on: entry.ended_on,
            minutes: entry.minutes,
            participatory_minutes: entry.participatory_minutes,
            planning: entry.planning,
            topic: entry.topic.clone(),
            learning_outcomes: entry.learning_outcomes.clone(),
            reflection_learned: entry.reflection_learned.clone(),
            reflection_practice: entry.reflection_practice.clone(),
            reflection_benefit: entry.reflection_benefit.clone(),
            code_theme: entry.code_theme,
            hcpc_standards: entry.hcpc_standards.clone(),
            gmp_domains: entry.gmp_domains.clone(),
            feedback_source: entry.feedback_source,
            source_other: entry.source_other.clone(),
            about: entry.about.clone(),
            how_used: entry.how_used.clone(),
            partner_name: entry.partner_name.clone(),
            partner_pin: entry.partner_pin.clone(),
            tags: entry.tags.clone(),
        }
    }

    /// Title, provider, topic (or what a record is about) and tags, folded for search.
    fn search_text(&self) -> String {
        search::fold(&format!(
            "{} {} {} {} {}",
            self.title,
            self.provider,
            self.topic,
            self.about,
            self.tags.replace(',', " ")
        ))
    }
}

/// Inserts an entry for `user_id`; `UniqueViolation` if its certificate already has one.
pub async fn insert(
    tx: &mut Tx,
    user_id: i64,
    fields: &EntryFields,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sql = "insert into cpd_entries (user_id, kind, certificate_id, title, provider, method, \
               started_on, ended_on, minutes, participatory_minutes, planning, topic, \
               learning_outcomes, reflection_learned, reflection_practice, reflection_benefit, \
               code_theme, hcpc_standards, gmp_domains, feedback_source, source_other, about, \
               how_used, partner_name, partner_pin, tags, search_text, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
               $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $28) \
               returning entry_id";
    let values = field_values(fields);
    Ok(run!(tx tx, |c| bind_values!(
        sqlx::query_scalar(sql).bind(user_id),
        values.clone()
    )
    .bind(now)
    .fetch_one(c)
    .await)?)
}

/// Writes every field of an entry back.
pub async fn update(
    tx: &mut Tx,
    entry_id: i64,
    fields: &EntryFields,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let sql = "update cpd_entries set kind = $2, certificate_id = $3, title = $4, provider = $5, \
               method = $6, started_on = $7, ended_on = $8, minutes = $9, \
               participatory_minutes = $10, planning = $11, topic = $12, learning_outcomes = $13, \
               reflection_learned = $14, reflection_practice = $15, reflection_benefit = $16, \
               code_theme = $17, hcpc_standards = $18, gmp_domains = $19, feedback_source = $20, \
               source_other = $21, about = $22, how_used = $23, partner_name = $24, \
               partner_pin = $25, tags = $26, search_text = $27, updated_at = $28 \
               where entry_id = $1";
    let values = field_values(fields);
    let updated = run!(tx tx, |c| bind_values!(
        sqlx::query(sql).bind(entry_id),
        values.clone()
    )
    .bind(now)
    .execute(c)
    .await
    .map(|d| d.rows_affected()))?;
    match updated {
        0 => Err(DbError::NotFound),
        _ => Ok(()),
    }
}

/// `$2` to `$27` of [`insert`] and [`update`].
fn field_values(fields: &EntryFields) -> Vec<Value> {
    let text = |s: &str| Value::Text(Some(s.to_owned()));
    let enum_text = |s: Option<&'static str>| Value::Text(s.map(str::to_owned));
    vec![
        enum_text(fields.kind.map(EntryKind::as_str)),
        Value::Int(fields.certificate_id),
        text(&fields.title),
        text(&fields.provider),
        enum_text(fields.method.map(Method::as_str)),
        Value::Date(Some(fields.started_on)),
        Value::Date(Some(fields.ended_on)),
        Value::Int(Some(fields.minutes)),
        Value::Int(Some(fields.participatory_minutes)),
        enum_text(fields.planning.map(Planning::as_str)),
        text(&fields.topic),
        text(&fields.learning_outcomes),
        text(&fields.reflection_learned),
        text(&fields.reflection_practice),
        text(&fields.reflection_benefit),
        enum_text(fields.code_theme.map(CodeTheme::as_str)),
        text(&fields.hcpc_standards),
        text(&fields.gmp_domains),
        enum_text(fields.feedback_source.map(FeedbackSource::as_str)),
        text(&fields.source_other),
        text(&fields.about),
        text(&fields.how_used),
        text(&fields.partner_name),
        text(&fields.partner_pin),
        text(&fields.tags),
        text(&fields.search_text()),
    ]
}

/// The learner's entry; `None` for another learner's or none.
pub async fn find(db: &Db, user_id: i64, entry_id: i64) -> Result<Option<Entry>, DbError> {
    let sql = format!("select {COLUMNS} {FROM} where e.entry_id = $1 and e.user_id = $2");
    Ok(run!(read db, |c| sqlx::query_as(&sql)
        .bind(entry_id)
        .bind(user_id)
        .fetch_optional(c)
        .await)?)
}

/// The learner's entry, locked until the transaction ends.
pub async fn lock(tx: &mut Tx, user_id: i64, entry_id: i64) -> Result<Option<Entry>, DbError> {
    let locked = locking(
        tx.backend(),
        "select entry_id from cpd_entries where entry_id = $1 and user_id = $2",
        Lock::Wait,
    );
    let found: Option<i64> = run!(tx tx, |c| sqlx::query_scalar(&locked)
        .bind(entry_id)
        .bind(user_id)
        .fetch_optional(c)
        .await)?;
    match found {
        Some(_) => find_in(tx, entry_id).await,
        None => Ok(None),
    }
}

/// An entry by id alone, inside a transaction (after a write, for its snapshot).
pub async fn find_in(tx: &mut Tx, entry_id: i64) -> Result<Option<Entry>, DbError> {
    let sql = format!("select {COLUMNS} {FROM} where e.entry_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(entry_id).fetch_optional(c).await)?)
}

/// The verified entry made from this certificate, if any.
pub async fn for_certificate_in(
    tx: &mut Tx,
    certificate_id: i64,
) -> Result<Option<Entry>, DbError> {
    let sql = format!("select {COLUMNS} {FROM} where e.certificate_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(certificate_id).fetch_optional(c).await)?)
}

/// Points the entry made from `old` at its replacement; false if there is none.
pub async fn move_certificate(
    tx: &mut Tx,
    old: i64,
    new: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update cpd_entries set certificate_id = $2, updated_at = $3 \
               where certificate_id = $1";
    let moved = run!(tx tx, |c| sqlx::query(sql)
        .bind(old)
        .bind(new)
        .bind(now)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(moved > 0)
}

pub async fn delete(tx: &mut Tx, entry_id: i64) -> Result<(), DbError> {
    run!(tx tx, |c| sqlx::query("delete from cpd_entries where entry_id = $1")
        .bind(entry_id)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}
