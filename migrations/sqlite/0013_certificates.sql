-- Certificates: one per completed enrolment, every printed fact snapshotted when it is
-- issued (a later edit of the course or the profile never changes an issued certificate).

-- The accrediting body's reference for the course (its body is `accreditation`).
alter table courses add column accreditation_reference text not null default '';

create table certificates (
    certificate_id integer primary key autoincrement,
    -- The public, unguessable code of the verification address (26 base32 characters,
    -- 130 random bits).
    code text not null,
    -- Null once the learner deleted their account: the certificate stays verifiable.
    enrolment_id integer references enrolments (enrolment_id) on delete set null,
    user_id integer references users (user_id) on delete set null,
    cohort_id integer references cohorts (cohort_id) on delete set null,
    -- Empty once the learner's account was closed (`holder_closed_at`).
    learner_name text not null,
    holder_closed_at text,
    course_title text not null,
    course_level text not null check (course_level in ('introductory', 'intermediate', 'advanced')),
    cohort_name text not null,
    starts_on text not null,
    ends_on text not null,
    completed_on text not null,
    cpd_minutes integer not null check (cpd_minutes >= 0),
    -- Live sessions, capped at the CPD time.
    participatory_minutes integer not null check (participatory_minutes >= 0),
    accreditation text not null,
    accreditation_reference text not null,
    -- One outcome per line, as the course had them.
    learning_outcomes text not null,
    provider text not null,
    issued_at text not null,
    status text not null default 'valid' check (status in ('valid', 'revoked', 'replaced')),
    revoked_at text,
    -- Shown on the public page when given.
    public_reason text,
    -- Why an admin revoked or replaced it (the admin pages and the audit trail).
    admin_reason text not null default '',
    replaced_at text,
    -- Name and course folded in Rust, for the admins' search on both databases.
    search_text text not null default '',
    replaced_by_certificate_id integer references certificates (certificate_id),
    created_at text not null,
    updated_at text not null
);
create unique index certificates_code_key on certificates (code);
-- One valid certificate per enrolment.
create unique index certificates_valid_enrolment_key on certificates (enrolment_id) where status = 'valid';
create index certificates_user_idx on certificates (user_id, issued_at);
create index certificates_cohort_idx on certificates (cohort_id);
