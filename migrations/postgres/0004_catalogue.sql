-- The education offer: courses, run as cohorts with live sessions.
create table courses (
    course_id bigint generated always as identity primary key,
    slug text not null,
    title text not null,
    summary text not null,
    description text not null default '',
    who_for text not null default '',
    -- One outcome per line.
    learning_outcomes text not null default '',
    level text not null check (level in ('introductory', 'intermediate', 'advanced')),
    format text not null check (format in ('online_live', 'online_self_paced', 'blended')),
    duration text not null,
    cpd_minutes bigint not null check (cpd_minutes >= 0),
    accreditation text not null default '',
    -- For learners outside the NHS in England.
    fee_pence bigint not null check (fee_pence >= 0),
    published boolean not null default false,
    -- Title and summary folded in Rust, for search that behaves the same on both databases.
    search_text text not null default '',
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index courses_slug_key on courses (slug);
create index courses_published_idx on courses (published, title);

-- Earlier slugs of a course, answered with a permanent redirect.
create table course_slugs (
    slug text primary key,
    course_id bigint not null references courses (course_id) on delete cascade,
    created_at timestamptz not null
);

create table cohorts (
    cohort_id bigint generated always as identity primary key,
    course_id bigint not null references courses (course_id),
    name text not null,
    starts_on date not null,
    ends_on date not null,
    enrol_opens_at timestamptz not null,
    enrol_closes_at timestamptz not null,
    capacity bigint not null check (capacity >= 1),
    -- Confirmed places, held places and open waitlist offers; changed only by conditional
    -- writes in the enrolment transaction.
    seats_taken bigint not null default 0 check (seats_taken >= 0),
    status text not null default 'draft'
        check (status in ('draft', 'open', 'closed', 'cancelled', 'completed')),
    delivery_notes text not null default '',
    -- Bumped on every change, so calendars replace what they hold.
    calendar_sequence bigint not null default 0,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index cohorts_course_idx on cohorts (course_id, starts_on);
create index cohorts_status_idx on cohorts (status, starts_on);

create table cohort_sessions (
    cohort_session_id bigint generated always as identity primary key,
    cohort_id bigint not null references cohorts (cohort_id) on delete cascade,
    title text not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    joining_details text not null default ''
);
create index cohort_sessions_cohort_idx on cohort_sessions (cohort_id, starts_at);
