-- Learning and completion: each course's completion rule, attendance at live sessions,
-- course evaluations, and the enrolment states `completed` and `not_completed`.

-- The enrolments table is rebuilt to widen its status check, which SQLite cannot alter.
-- That is only safe with foreign keys off: with them on, `drop table enrolments` first
-- deletes every row, and the delete cascades through the history and unlinks payments.
-- A migration runs inside a transaction, where `pragma foreign_keys` has no effect (and
-- sqlx 0.8's SQLite driver ignores `-- no-transaction`), so `db::migrate` turns foreign
-- keys off around SQLite migrations and checks every key afterwards. This guard makes
-- the migration fail, changing nothing, if anything ever runs it with foreign keys on.
create temp table migration_0012_guard (foreign_keys integer check (foreign_keys = 0));
insert into migration_0012_guard select foreign_keys from pragma_foreign_keys;
drop table migration_0012_guard;

-- The same columns, rows and indexes as 0007, with the wider check.
create table enrolments_new (
    enrolment_id integer primary key autoincrement,
    user_id integer not null references users (user_id),
    cohort_id integer not null references cohorts (cohort_id),
    status text not null check (status in ('awaiting_payment', 'awaiting_invoice', 'confirmed',
        'waitlisted', 'offered', 'cancelled', 'expired', 'withdrawn', 'moved',
        'completed', 'not_completed')),
    funding text check (funding in ('nhs_free', 'card', 'invoice', 'waived')),
    fee_pence integer not null default 0 check (fee_pence >= 0),
    over_capacity boolean not null default false,
    waitlist_number integer,
    hold_expires_at text,
    offer_expires_at text,
    hold_warned_at text,
    reminded_week_at text,
    reminded_day_at text,
    moved_to_enrolment_id integer references enrolments (enrolment_id) on delete set null,
    created_at text not null,
    updated_at text not null
);
insert into enrolments_new (enrolment_id, user_id, cohort_id, status, funding, fee_pence,
    over_capacity, waitlist_number, hold_expires_at, offer_expires_at, hold_warned_at,
    reminded_week_at, reminded_day_at, moved_to_enrolment_id, created_at, updated_at)
select enrolment_id, user_id, cohort_id, status, funding, fee_pence,
    over_capacity, waitlist_number, hold_expires_at, offer_expires_at, hold_warned_at,
    reminded_week_at, reminded_day_at, moved_to_enrolment_id, created_at, updated_at
from enrolments;
-- AUTOINCREMENT's counter comes along, so the id of an enrolment deleted with its account
-- (still named in payments and mail) is never handed out again.
delete from sqlite_sequence where name = 'enrolments_new';
insert into sqlite_sequence (name, seq)
    select 'enrolments_new', seq from sqlite_sequence where name = 'enrolments';
drop table enrolments;
alter table enrolments_new rename to enrolments;
create unique index enrolments_active_key on enrolments (user_id, cohort_id)
    where status in ('awaiting_payment', 'awaiting_invoice', 'confirmed', 'waitlisted', 'offered');
create index enrolments_cohort_idx on enrolments (cohort_id, status, waitlist_number);
create index enrolments_user_idx on enrolments (user_id, created_at);
create index enrolments_hold_idx on enrolments (status, hold_expires_at);
create index enrolments_offer_idx on enrolments (status, offer_expires_at);

-- How a course decides who completed it: attending enough live sessions (a number, or
-- null for all of them), or an admin's decision; and whether the evaluation must be done
-- first (before the certificate).
alter table courses add column completion_rule text not null default 'attendance'
    check (completion_rule in ('attendance', 'admin'));
alter table courses add column sessions_required integer check (sessions_required >= 1);
alter table courses add column evaluation_required boolean not null default false;

-- The register of each live session: one mark per learner, changed in place.
create table attendance (
    attendance_id integer primary key autoincrement,
    cohort_session_id integer not null
        references cohort_sessions (cohort_session_id) on delete cascade,
    enrolment_id integer not null references enrolments (enrolment_id) on delete cascade,
    mark text not null check (mark in ('present', 'absent', 'excused')),
    -- Why an excused absence was excused (required then), or anything else worth noting.
    note text not null default '',
    recorded_by integer references users (user_id) on delete set null,
    recorded_at text not null
);
create unique index attendance_key on attendance (cohort_session_id, enrolment_id);
create index attendance_enrolment_idx on attendance (enrolment_id);

-- One course evaluation per enrolment, final once sent. Results are shown without names;
-- deleting an account deletes its evaluations with its enrolments.
create table evaluations (
    evaluation_id integer primary key autoincrement,
    enrolment_id integer not null references enrolments (enrolment_id) on delete cascade,
    overall_rating integer not null check (overall_rating between 1 and 5),
    -- How the learner will use it in practice.
    practice text not null default '',
    comments text not null default '',
    submitted_at text not null
);
create unique index evaluations_enrolment_key on evaluations (enrolment_id);

-- How far each learning outcome was met, with the outcome's words as the learner saw them
-- (a course's outcomes may be edited later).
create table evaluation_outcomes (
    evaluation_id integer not null references evaluations (evaluation_id) on delete cascade,
    outcome_number integer not null check (outcome_number >= 1),
    outcome text not null,
    rating integer not null check (rating between 1 and 5),
    primary key (evaluation_id, outcome_number)
);

-- Learners asked (once, by email) for the evaluation after their cohort's last session.
create table evaluation_requests (
    enrolment_id integer primary key references enrolments (enrolment_id) on delete cascade,
    requested_at text not null
);
