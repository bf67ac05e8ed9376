-- Accounts: session epochs, email changes, single-use tokens, throttles and the audit trail.

-- Bumped to end every session of a user (sign out everywhere, password change, disabling).
alter table users add column session_epoch integer not null default 0;
-- A new address waiting for its owner to confirm it; the old one stays in use until then.
alter table users add column pending_email text;
alter table users add column last_signed_in_at text;
-- Name and email lower-cased with accents folded (in Rust), for search that behaves the
-- same on both databases.
alter table users add column search_text text not null default '';

-- Verification and password-reset links. Only a hash of the token is stored.
create table account_tokens (
    account_token_id integer primary key autoincrement,
    user_id integer not null references users (user_id) on delete cascade,
    purpose text not null check (purpose in ('verify_email', 'reset_password')),
    token_hash text not null,
    email text not null,
    expires_at text not null,
    used_at text,
    created_at text not null
);
create unique index account_tokens_hash_key on account_tokens (token_hash);
create index account_tokens_user_idx on account_tokens (user_id);

-- Attempt counters for sign-in, registration, reset and similar forms, shared by every
-- process. `blocked_until` set means refused until then.
create table throttles (
    throttle_key text primary key,
    window_started_at text not null,
    attempts integer not null,
    blocked_until text
);

-- Who did what, when, from where. User ids are plain values (no foreign key) so events
-- outlive a deleted account, reduced to its id.
create table audit_events (
    audit_event_id integer primary key autoincrement,
    actor_user_id integer,
    subject_user_id integer,
    action text not null,
    detail text not null default '',
    client_address text,
    created_at text not null
);
create index audit_events_subject_idx on audit_events (subject_user_id);
create index audit_events_actor_idx on audit_events (actor_user_id);
create index users_unverified_idx on users (email_verified_at, created_at);
