-- People who can sign in: learners and the education team's admins. AUTOINCREMENT: an id is
-- never reused after a deletion, so nothing that remembers an old id (a session, a mail
-- key, an audit event) can ever point at someone else.
create table users (
    user_id integer primary key autoincrement,
    email text not null,
    password_hash text not null,
    full_name text not null,
    role text not null default 'learner' check (role in ('learner', 'admin')),
    email_verified_at text,
    organisation text not null default '',
    job_role text not null default '',
    professional_body text,
    registration_number text,
    learner_type text not null default 'external' check (learner_type in ('nhs', 'external')),
    learner_type_reason text not null default '',
    disabled_at text,
    created_at text not null,
    updated_at text not null
);

-- Emails are stored normalised (trimmed, lower-cased) by the application.
create unique index users_email_key on users (email);
create index users_role_idx on users (role);
