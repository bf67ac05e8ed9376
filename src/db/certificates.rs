//! The `certificates` table: issued certificates with every printed fact snapshotted, their
//! state (valid, revoked, replaced), and what issuing one reads from the enrolment.

use chrono::{DateTime, NaiveDate, Utc};

use super::locking::{Lock, locking};
use super::statement::Window;
use super::{Db, DbError, Tx, run};
use crate::domain::catalogue::Level;
use crate::domain::certificate::{CertificateState, Code};
use crate::domain::search;

/// An issued certificate as stored: what it said when issued, and where it stands now.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct Certificate {
    pub certificate_id: i64,
    pub code: String,
    pub enrolment_id: Option<i64>,
    pub user_id: Option<i64>,
    pub cohort_id: Option<i64>,
    /// Empty once the holder's account was closed.
    pub learner_name: String,
    pub holder_closed_at: Option<DateTime<Utc>>,
    pub course_title: String,
    pub course_level: Level,
    pub cohort_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub completed_on: NaiveDate,
    pub cpd_minutes: i64,
    pub participatory_minutes: i64,
    pub accreditation: String,
    pub accreditation_reference: String,
    pub learning_outcomes: String,
    pub provider: String,
    pub issued_at: DateTime<Utc>,
    pub status: CertificateState,
    pub revoked_at: Option<DateTime<Utc>>,
    pub public_reason: Option<String>,
    pub admin_reason: String,
    pub replaced_at: Option<DateTime<Utc>>,
    pub replaced_by_certificate_id: Option<i64>,
}

impl Certificate {
    pub fn state(&self) -> CertificateState {
        self.status
    }

    pub fn is_valid(&self) -> bool {
        self.status == CertificateState::Valid
    }

    pub fn holder_closed(&self) -> bool {
        self.holder_closed_at.is_some()
    }

    /// The learning outcomes, one per line as the course listed them.
    pub fn outcomes(&self) -> Vec<&str> {
        self.learning_outcomes
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

const COLUMNS: &str = "certificate_id, code, enrolment_id, user_id, cohort_id, learner_name, \
     holder_closed_at, course_title, course_level, cohort_name, starts_on, ends_on, completed_on, \
     cpd_minutes, participatory_minutes, accreditation, accreditation_reference, \
     learning_outcomes, provider, issued_at, status, revoked_at, public_reason, admin_reason, \
     replaced_at, replaced_by_certificate_id";

/// What a new certificate prints: the snapshot taken when it is issued.
#[derive(Clone, Debug)]
pub struct NewCertificate {
    pub code: Code,
    pub enrolment_id: i64,
    pub user_id: i64,
    pub cohort_id: i64,
    pub learner_name: String,
    pub course_title: String,
    pub course_level: Level,
    pub cohort_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub completed_on: NaiveDate,
    pub cpd_minutes: i64,
    pub participatory_minutes: i64,
    pub accreditation: String,
    pub accreditation_reference: String,
    pub learning_outcomes: String,
    pub provider: String,
}

/// Inserts a valid certificate; `UniqueViolation` if the enrolment already has one.
pub async fn insert(tx: &mut Tx, new: &NewCertificate, now: DateTime<Utc>) -> Result<i64, DbError> {
    let sql = "insert into certificates (code, enrolment_id, user_id, cohort_id, learner_name, \
               course_title, course_level, cohort_name, starts_on, ends_on, completed_on, \
               cpd_minutes, participatory_minutes, accreditation, accreditation_reference, \
               learning_outcomes, provider, issued_at, status, search_text, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
               $18, 'valid', $19, $18, $18) returning certificate_id";
    let search_text = search::fold(&format!("{} {}", new.learner_name, new.course_title));
    Ok(run!(tx tx, |c| sqlx::query_scalar(sql)
        .bind(new.code.as_str())
        .bind(new.enrolment_id)
        .bind(new.user_id)
        .bind(new.cohort_id)
        .bind(&new.learner_name)
        .bind(&new.course_title)
        .bind(new.course_level)
        .bind(&new.cohort_name)
        .bind(new.starts_on)
        .bind(new.ends_on)
        .bind(new.completed_on)
        .bind(new.cpd_minutes)
        .bind(new.participatory_minutes)
        .bind(&new.accreditation)
        .bind(&new.accreditation_reference)
        .bind(&new.learning_outcomes)
        .bind(&new.provider)
        .bind(now)
        .bind(&search_text)
        .fetch_one(c)
        .await)?)
}

/// The certificate with exactly this code (the public verification page).
pub async fn find_by_code(db: &Db, code: &Code) -> Result<Option<Certificate>, DbError> {
    let sql = format!("select {COLUMNS} from certificates where code = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(code.as_str()).fetch_optional(c).await)?)
}

pub async fn find(db: &Db, certificate_id: i64) -> Result<Option<Certificate>, DbError> {
    let sql = format!("select {COLUMNS} from certificates where certificate_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(certificate_id).fetch_optional(c).await)?)
}

pub async fn find_in(tx: &mut Tx, certificate_id: i64) -> Result<Option<Certificate>, DbError> {
    let sql = format!("select {COLUMNS} from certificates where certificate_id = $1");
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(certificate_id).fetch_optional(c).await)?)
}

/// The certificate, locked until the transaction ends (revoking and reissuing decide on it).
pub async fn lock(tx: &mut Tx, certificate_id: i64) -> Result<Option<Certificate>, DbError> {
    let select = format!("select {COLUMNS} from certificates where certificate_id = $1");
    let sql = locking(tx.backend(), &select, Lock::Wait);
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(certificate_id).fetch_optional(c).await)?)
}

/// The enrolment's current certificate (valid or revoked; a replaced one has a successor).
pub async fn current_for_enrolment_in(
    tx: &mut Tx,
    enrolment_id: i64,
) -> Result<Option<Certificate>, DbError> {
    let sql = format!(
        "select {COLUMNS} from certificates where enrolment_id = $1 and status <> 'replaced' \
         order by certificate_id desc limit 1"
    );
    Ok(run!(tx tx, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

/// [`current_for_enrolment_in`] outside a transaction (the enrolment page).
pub async fn current_for_enrolment(
    db: &Db,
    enrolment_id: i64,
) -> Result<Option<Certificate>, DbError> {
    let sql = format!(
        "select {COLUMNS} from certificates where enrolment_id = $1 and status <> 'replaced' \
         order by certificate_id desc limit 1"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(enrolment_id).fetch_optional(c).await)?)
}

/// Every certificate of a learner, replaced and revoked ones too, newest first.
pub async fn for_user(db: &Db, user_id: i64) -> Result<Vec<Certificate>, DbError> {
    let sql = format!(
        "select {COLUMNS} from certificates where user_id = $1 \
         order by issued_at desc, certificate_id desc"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(user_id).fetch_all(c).await)?)
}

/// A cohort's certificates, by learner.
pub async fn for_cohort(db: &Db, cohort_id: i64) -> Result<Vec<Certificate>, DbError> {
    let sql = format!(
        "select {COLUMNS} from certificates where cohort_id = $1 \
         order by search_text, certificate_id"
    );
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(cohort_id).fetch_all(c).await)?)
}

/// The admins' search: a code exactly, or words of the learner's name or the course title
/// (any case or accents); newest first, the rows of `window`. An empty query lists the
/// latest, read off the index by issue time rather than by matching every row against an
/// empty pattern.
pub async fn search(db: &Db, query: &str, window: Window) -> Result<Vec<Certificate>, DbError> {
    if query.trim().is_empty() {
        let sql = format!("select {COLUMNS} {LATEST_FIRST} limit $1 offset $2");
        return Ok(run!(read db, |c| sqlx::query_as(&sql)
            .bind(window.limit)
            .bind(window.offset)
            .fetch_all(c)
            .await)?);
    }
    let sql = format!(
        "select {COLUMNS} from certificates where code = $1 or search_text like $2 escape '\\' \
         order by issued_at desc, certificate_id desc limit $3 offset $4"
    );
    let pattern = search::contains_pattern(query);
    Ok(run!(read db, |c| sqlx::query_as(&sql)
        // Codes are issued in lower case; one read off paper may be typed in capitals.
        .bind(query.trim().to_ascii_lowercase())
        .bind(&pattern)
        .bind(window.limit)
        .bind(window.offset)
        .fetch_all(c)
        .await)?)
}

/// Every certificate, newest first (served by `certificates_issued_idx`).
pub const LATEST_FIRST: &str = "from certificates order by issued_at desc, certificate_id desc";

/// The certificate that `certificate_id` replaced, if it replaced one.
pub async fn replaced_one(db: &Db, certificate_id: i64) -> Result<Option<Certificate>, DbError> {
    let sql = format!("select {COLUMNS} from certificates where replaced_by_certificate_id = $1");
    Ok(run!(read db, |c| sqlx::query_as(&sql).bind(certificate_id).fetch_optional(c).await)?)
}

/// Valid to revoked, if still valid; false otherwise (nothing written).
pub async fn revoke(
    tx: &mut Tx,
    certificate_id: i64,
    public_reason: Option<&str>,
    admin_reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update certificates set status = 'revoked', revoked_at = $2, public_reason = $3, \
               admin_reason = $4, updated_at = $2 where certificate_id = $1 and status = 'valid'";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(certificate_id)
        .bind(now)
        .bind(public_reason)
        .bind(admin_reason)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

/// Valid to replaced, if still valid (its successor is linked by [`link_replacement`] once
/// inserted: the enrolment may hold only one valid certificate at a time).
pub async fn mark_replaced(
    tx: &mut Tx,
    certificate_id: i64,
    admin_reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let sql = "update certificates set status = 'replaced', replaced_at = $2, admin_reason = $3, \
               updated_at = $2 where certificate_id = $1 and status = 'valid'";
    let updated = run!(tx tx, |c| sqlx::query(sql)
        .bind(certificate_id)
        .bind(now)
        .bind(admin_reason)
        .execute(c)
        .await
        .map(|d| d.rows_affected()))?;
    Ok(updated == 1)
}

pub async fn link_replacement(
    tx: &mut Tx,
    certificate_id: i64,
    replacement_id: i64,
) -> Result<(), DbError> {
    let sql = "update certificates set replaced_by_certificate_id = $2 where certificate_id = $1";
    run!(tx tx, |c| sqlx::query(sql)
        .bind(certificate_id)
        .bind(replacement_id)
        .execute(c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A deleted account's certificates stay verifiable without the name: it is erased from
/// the row (and its search text), and the row no longer points at the account.
pub async fn forget_holder(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    let rows: Vec<(i64, String)> = run!(tx tx, |c| sqlx::query_as(
        "select certificate_id, course_title from certificates where user_id = $1"
    )
    .bind(user_id)
    .fetch_all(c)
    .await)?;
    let sql = "update certificates set learner_name = '', holder_closed_at = $2, user_id = null, \
               search_text = $3, updated_at = $2 where certificate_id = $1";
    for (certificate_id, course_title) in rows {
        let search_text = search::fold(&course_title);
        run!(tx tx, |c| sqlx::query(sql)
            .bind(certificate_id)
            .bind(now)
            .bind(&search_text)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// What issuing a certificate reads about an enrolment: its learner, cohort and course as
/// they are now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Source {
    pub enrolment_id: i64,
    pub user_id: i64,
    pub email: String,
    pub full_name: String,
    pub cohort_id: i64,
    pub cohort_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub course_title: String,
    pub level: Level,
    pub cpd_minutes: i64,
    pub accreditation: String,
    pub accreditation_reference: String,
    pub learning_outcomes: String,
}

/// Locks the enrolment row (so two issues of one enrolment run one after the other), then
/// reads what its certificate prints. `None` if there is no such enrolment.
pub async fn source_in(tx: &mut Tx, enrolment_id: i64) -> Result<Option<Source>, DbError> {
    let lock = locking(
        tx.backend(),
        "select enrolment_id from enrolments where enrolment_id = $1",
        Lock::Wait,
    );
    let found: Option<i64> = run!(tx tx, |c| sqlx::query_scalar(&lock)
        .bind(enrolment_id)
        .fetch_optional(c)
        .await)?;
    if found.is_none() {
        return Ok(None);
    }
    let sql = "select e.enrolment_id, u.user_id, u.email, u.full_name, h.cohort_id, \
               h.name as cohort_name, h.starts_on, h.ends_on, c.title as course_title, c.level, \
               c.cpd_minutes, c.accreditation, c.accreditation_reference, c.learning_outcomes \
               from enrolments e join users u on u.user_id = e.user_id \
               join cohorts h on h.cohort_id = e.cohort_id \
               join courses c on c.course_id = h.course_id where e.enrolment_id = $1";
    Ok(run!(tx tx, |c| sqlx::query_as(sql).bind(enrolment_id).fetch_optional(c).await)?)
}
