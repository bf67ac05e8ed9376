-- Every email, written in the same transaction as the change that causes it, then sent by
-- the outbox worker. Delivery is at least once; the Message-ID stays the same on a resend.
create table email_outbox (
    email_outbox_id integer primary key autoincrement,
    idempotency_key text not null,
    message_id text not null,
    kind text not null,
    user_id integer references users (user_id) on delete set null,
    to_address text not null,
    subject text not null,
    body_text text,
    body_html text,
    carries_token boolean not null default false,
    status text not null default 'queued'
        check (status in ('queued', 'sending', 'sent', 'failed', 'dead')),
    attempts integer not null default 0,
    next_attempt_at text not null,
    claimed_until text,
    last_error text,
    created_at text not null,
    sent_at text,
    purged_at text
);

create unique index email_outbox_idempotency_key on email_outbox (idempotency_key);
create index email_outbox_due_idx on email_outbox (status, next_attempt_at);
create index email_outbox_user_idx on email_outbox (user_id);
