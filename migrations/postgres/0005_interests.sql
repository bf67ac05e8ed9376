-- "Tell me when the next cohort opens": one row per address per course, removed once the
-- mail about a new cohort is queued. Addresses not belonging to a signed-in learner are
-- confirmed by a link first. Only token hashes are stored.
create table interests (
    interest_id bigint generated always as identity primary key,
    course_id bigint not null references courses (course_id) on delete cascade,
    user_id bigint references users (user_id) on delete cascade,
    email text not null,
    confirm_token_hash text,
    unsubscribe_token_hash text not null,
    confirmed_at timestamptz,
    created_at timestamptz not null
);
create unique index interests_course_email_key on interests (course_id, email);
create unique index interests_confirm_key on interests (confirm_token_hash);
create unique index interests_unsubscribe_key on interests (unsubscribe_token_hash);
