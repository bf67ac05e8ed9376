-- Learning and completion: each course's completion rule, attendance at live sessions,
-- course evaluations, and the enrolment states `completed` and `not_completed`.

alter table enrolments drop constraint enrolments_status_check,
    add constraint enrolments_status_check check (status in ('awaiting_payment',
        'awaiting_invoice', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'expired',
        'withdrawn', 'moved', 'completed', 'not_completed'));

-- How a course decides who completed it: attending enough live sessions (a number, or
-- null for all of them), or an admin's decision; and whether the evaluation must be done
-- first (before the certificate).
alter table courses add column completion_rule text not null default 'attendance'
    check (completion_rule in ('attendance', 'admin'));
alter table courses add column sessions_required bigint check (sessions_required >= 1);
alter table courses add column evaluation_required boolean not null default false;

-- The register of each live session: one mark per learner, changed in place.
create table attendance (
    attendance_id bigint generated always as identity primary key,
    cohort_session_id bigint not null
        references cohort_sessions (cohort_session_id) on delete cascade,
    enrolment_id bigint not null references enrolments (enrolment_id) on delete cascade,
    mark text not null check (mark in ('present', 'absent', 'excused')),
    -- Why an excused absence was excused (required then), or anything else worth noting.
    note text not null default '',
    recorded_by bigint references users (user_id) on delete set null,
    recorded_at timestamptz not null
);
create unique index attendance_key on attendance (cohort_session_id, enrolment_id);
create index attendance_enrolment_idx on attendance (enrolment_id);

-- One course evaluation per enrolment, final once sent. Results are shown without names;
-- deleting an account deletes its evaluations with its enrolments.
create table evaluations (
    evaluation_id bigint generated always as identity primary key,
    enrolment_id bigint not null references enrolments (enrolment_id) on delete cascade,
    overall_rating bigint not null check (overall_rating between 1 and 5),
    -- How the learner will use it in practice.
    practice text not null default '',
    comments text not null default '',
    submitted_at timestamptz not null
);
create unique index evaluations_enrolment_key on evaluations (enrolment_id);

-- How far each learning outcome was met, with the outcome's words as the learner saw them
-- (a course's outcomes may be edited later).
create table evaluation_outcomes (
    evaluation_id bigint not null references evaluations (evaluation_id) on delete cascade,
    outcome_number bigint not null check (outcome_number >= 1),
    outcome text not null,
    rating bigint not null check (rating between 1 and 5),
    primary key (evaluation_id, outcome_number)
);

-- Learners asked (once, by email) for the evaluation after their cohort's last session.
create table evaluation_requests (
    enrolment_id bigint primary key references enrolments (enrolment_id) on delete cascade,
    requested_at timestamptz not null
);
