-- One-time sign-in links (offered instead of a password check past the per-account ceiling
-- on sign-in attempts) are account tokens too. SQLite cannot change a check constraint, so
-- the table is rebuilt with the same columns, rows and indexes and the wider check.
create table account_tokens_new (
    account_token_id integer primary key autoincrement,
    user_id integer not null references users (user_id) on delete cascade,
    purpose text not null check (purpose in ('verify_email', 'reset_password', 'sign_in')),
    token_hash text not null,
    email text not null,
    expires_at text not null,
    used_at text,
    created_at text not null
);
insert into account_tokens_new
    (account_token_id, user_id, purpose, token_hash, email, expires_at, used_at, created_at)
select account_token_id, user_id, purpose, token_hash, email, expires_at, used_at, created_at
from account_tokens;
drop table account_tokens;
alter table account_tokens_new rename to account_tokens;
create unique index account_tokens_hash_key on account_tokens (token_hash);
create index account_tokens_user_idx on account_tokens (user_id);
