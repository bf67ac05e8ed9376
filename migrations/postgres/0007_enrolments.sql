-- Enrolments: a learner's place (or place in the queue) on a cohort, with its history,
-- its payment and the numbered documents it produces.

-- The last waiting-list number handed out in each cohort: a per-cohort sequence, so
-- positions are first come, first served.
alter table cohorts add column waitlist_last bigint not null default 0;

create table enrolments (
    enrolment_id bigint generated always as identity primary key,
    user_id bigint not null references users (user_id),
    cohort_id bigint not null references cohorts (cohort_id),
    status text not null check (status in ('awaiting_payment', 'awaiting_invoice', 'confirmed',
        'waitlisted', 'offered', 'cancelled', 'expired', 'withdrawn', 'moved')),
    -- How the place is paid for; null while the learner waits without having chosen.
    funding text check (funding in ('nhs_free', 'card', 'invoice', 'waived')),
    fee_pence bigint not null default 0 check (fee_pence >= 0),
    -- Added by an admin beyond the cohort's capacity.
    over_capacity boolean not null default false,
    waitlist_number bigint,
    hold_expires_at timestamptz,
    offer_expires_at timestamptz,
    hold_warned_at timestamptz,
    reminded_week_at timestamptz,
    reminded_day_at timestamptz,
    moved_to_enrolment_id bigint references enrolments (enrolment_id) on delete set null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
-- One active enrolment per learner per cohort; a learner who left may enrol again.
create unique index enrolments_active_key on enrolments (user_id, cohort_id)
    where status in ('awaiting_payment', 'awaiting_invoice', 'confirmed', 'waitlisted', 'offered');
create index enrolments_cohort_idx on enrolments (cohort_id, status, waitlist_number);
create index enrolments_user_idx on enrolments (user_id, created_at);
create index enrolments_hold_idx on enrolments (status, hold_expires_at);
create index enrolments_offer_idx on enrolments (status, offer_expires_at);

-- Every transition of an enrolment, with when and who: the history learners and admins see.
create table enrolment_events (
    enrolment_event_id bigint generated always as identity primary key,
    enrolment_id bigint not null references enrolments (enrolment_id) on delete cascade,
    from_status text,
    to_status text not null,
    actor_user_id bigint references users (user_id) on delete set null,
    note text not null default '',
    occurred_at timestamptz not null
);
create index enrolment_events_enrolment_idx on enrolment_events (enrolment_id, enrolment_event_id);

-- What is owed and paid for a place. Card payments go through the checkout provider;
-- invoices through the education team. Moving a learner carries the row to the new place.
create table payments (
    payment_id bigint generated always as identity primary key,
    -- Null once the learner deleted their account: the financial record stays.
    enrolment_id bigint references enrolments (enrolment_id) on delete set null,
    -- What was bought, kept with the record: course, cohort and reference.
    description text not null default '',
    method text not null check (method in ('card', 'invoice')),
    amount_pence bigint not null check (amount_pence >= 0),
    status text not null default 'pending'
        check (status in ('pending', 'paid', 'refund_due', 'refunded', 'void')),
    checkout_session_id text,
    checkout_url text,
    checkout_expires_at timestamptz,
    payment_intent text,
    refund_id text,
    refund_pence bigint not null default 0,
    refund_attempts bigint not null default 0,
    refund_error text,
    organisation text,
    billing_email text,
    billing_address text,
    purchase_order text,
    proforma_number text,
    invoice_number text,
    receipt_number text,
    invoiced_at timestamptz,
    paid_at timestamptz,
    refunded_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index payments_enrolment_idx on payments (enrolment_id);
create unique index payments_checkout_key on payments (checkout_session_id);
create index payments_status_idx on payments (status);

-- Provider events already handled: a replayed webhook changes nothing.
create table payment_events (
    provider_event_id text primary key,
    kind text not null,
    received_at timestamptz not null
);

-- Gap-free numbers for pro-formas, invoices and receipts, taken in the transaction that
-- issues the document.
create table document_counters (
    series text primary key,
    last_number bigint not null
);
insert into document_counters (series, last_number) values ('proforma', 0), ('invoice', 0), ('receipt', 0);

-- One attachment per mail at most (a place's calendar), rendered when the mail is queued.
alter table email_outbox add column attachment_name text;
alter table email_outbox add column attachment_type text;
alter table email_outbox add column attachment_body text;
