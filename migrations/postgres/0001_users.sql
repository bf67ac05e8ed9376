-- People who can sign in: learners and the education team's admins.
create table users (
    user_id bigint generated always as identity primary key,
    email text not null,
    password_hash text not null,
    full_name text not null,
    role text not null default 'learner' check (role in ('learner', 'admin')),
    email_verified_at timestamptz,
    organisation text not null default '',
    job_role text not null default '',
    professional_body text,
    registration_number text,
    learner_type text not null default 'external' check (learner_type in ('nhs', 'external')),
    learner_type_reason text not null default '',
    disabled_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

-- Emails are stored normalised (trimmed, lower-cased) by the application.
create unique index users_email_key on users (email);
create index users_role_idx on users (role);
