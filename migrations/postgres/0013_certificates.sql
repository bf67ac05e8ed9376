-- Certificates: one per completed enrolment, every printed fact snapshotted when it is
-- issued (a later edit of the course or the profile never changes an issued certificate).

-- The accrediting body's reference for the course (its body is `accreditation`).
alter table courses add column accreditation_reference text not null default '';

create table certificates (
    certificate_id bigint generated always as identity primary key,
    -- The public, unguessable code of the verification address (26 base32 characters,
    -- 130 random bits).
    code text not null,
    -- Null once the learner deleted their account: the certificate stays verifiable.
    enrolment_id bigint references enrolments (enrolment_id) on delete set null,
    user_id bigint references users (user_id) on delete set null,
    cohort_id bigint references cohorts (cohort_id) on delete set null,
    -- Empty once the learner's account was closed (`holder_closed_at`).
    learner_name text not null,
    holder_closed_at timestamptz,
    course_title text not null,
    course_level text not null check (course_level in ('introductory', 'intermediate', 'advanced')),
    cohort_name text not null,
    starts_on date not null,
    ends_on date not null,
    completed_on date not null,
    cpd_minutes bigint not null check (cpd_minutes >= 0),
    -- Live sessions, capped at the CPD time.
    participatory_minutes bigint not null check (participatory_minutes >= 0),
    accreditation text not null,
    accreditation_reference text not null,
    -- One outcome per line, as the course had them.
    learning_outcomes text not null,
    provider text not null,
    issued_at timestamptz not null,
    status text not null default 'valid' check (status in ('valid', 'revoked', 'replaced')),
    revoked_at timestamptz,
    -- Shown on the public page when given.
    public_reason text,
    -- Why an admin revoked or replaced it (the admin pages and the audit trail).
    admin_reason text not null default '',
    replaced_at timestamptz,
    -- Name and course folded in Rust, for the admins' search on both databases.
    search_text text not null default '',
    replaced_by_certificate_id bigint references certificates (certificate_id),
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index certificates_code_key on certificates (code);
-- One valid certificate per enrolment.
create unique index certificates_valid_enrolment_key on certificates (enrolment_id) where status = 'valid';
create index certificates_user_idx on certificates (user_id, issued_at);
create index certificates_cohort_idx on certificates (cohort_id);
