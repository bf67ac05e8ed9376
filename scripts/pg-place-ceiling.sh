#!/usr/bin/env bash
# How many free places a second PostgreSQL alone can write on this machine: the enrolment
# benchmark's statement (db::enrolments::take_and_write on PostgreSQL: the seat's update,
# the place, its history, the audit event and the confirmation email with its calendar)
# sent by pgbench, 50 clients for 15 s, with no web server or Rust code in the way. The
# enrolment benchmark over HTTP cannot beat this figure on the same cores.
#
#   scripts/pg-place-ceiling.sh [postgres://postgres@127.0.0.1:5432/postgres]
#
# Needs pgbench and psql (postgresql-client) and a release build (cargo build --release;
# ACADEMY_BIN picks another binary), which creates the schema.
# Creates and drops a database of its own.
set -euo pipefail
admin_url="${1:-postgres://postgres@127.0.0.1:5432/postgres}"
db="academy_place_ceiling_$$"
binary="$(realpath "${ACADEMY_BIN:-target/release/academy}")"
url="${admin_url%/*}/$db"
work="$(mktemp -d)"
trap 'psql -q "$admin_url" -c "drop database if exists $db" >/dev/null; rm -rf "$work"' EXIT

psql -q "$admin_url" -c "create database $db"
(cd "$work" && DATABASE_URL="$url" "$binary" migrate >/dev/null 2>&1)
psql -q "$url" <<'SQL'
insert into courses (course_id, slug, title, summary, level, format, duration, cpd_minutes,
    fee_pence, published, created_at, updated_at) overriding system value
values (1, 'c', 'Course', 'S', 'introductory', 'online_live', '1 day', 60, 0, true, now(), now());
insert into cohorts (cohort_id, course_id, name, starts_on, ends_on, enrol_opens_at,
    enrol_closes_at, capacity, status, created_at, updated_at) overriding system value
select g, 1, 'C' || g, '2027-01-01', '2027-01-02', now() - interval '1 day',
    now() + interval '30 days', 100000000, 'open', now(), now() from generate_series(1, 10) g;
insert into users (user_id, email, password_hash, full_name, created_at, updated_at)
overriding system value
select g, 'u' || g || '@example.nhs.uk', 'x', 'Learner ' || g, now(), now()
from generate_series(1, 120000) g;
create sequence learner_seq;
SQL
version="$(psql -At "$url" -c "select version from content_version where id = 1")"

# One place per transaction, each for a learner of its own, as the benchmark's requests are.
cat > "$work/place.sql" <<SQL
\set cid random(1, 10)
select nextval(pg_get_serial_sequence('enrolments', 'enrolment_id')) as eid, nextval('learner_seq') as uid \gset
select user_id, email, full_name, role from users where user_id = :uid;
with seat as (update cohorts set seats_taken = seats_taken + 1 where cohort_id = :cid and seats_taken < capacity and course_id = 1 and exists (select 1 from courses where course_id = 1 and published and fee_pence = 0) and not exists (select 1 from enrolments where cohort_id = :cid and status in ('waitlisted', 'offered')) and not exists (select 1 from enrolments where cohort_id = :cid and user_id = :uid and status in ('awaiting_payment', 'awaiting_invoice', 'confirmed', 'waitlisted', 'offered')) and (select version from content_version where id = 1) = $version returning cohort_id),
write_0 as (insert into enrolments (enrolment_id, user_id, cohort_id, status, funding, fee_pence, over_capacity, waitlist_number, hold_expires_at, created_at, updated_at) overriding system value values (:eid, (select :uid::bigint from seat), :cid, 'confirmed', 'nhs_free', 0, false, null, null, now(), now())),
write_1 as (insert into enrolment_events (enrolment_id, from_status, to_status, actor_user_id, note, occurred_at) values (:eid, null, 'confirmed', :uid, '', now())),
write_2 as (insert into audit_events (actor_user_id, subject_user_id, action, detail, client_address, created_at) values (:uid, :uid, 'enrolment.confirmed', 'cohort', '127.0.0.1', now())),
write_3 as (insert into email_outbox (idempotency_key, message_id, kind, user_id, to_address, subject, body_text, body_html, carries_token, status, next_attempt_at, created_at, attachment_name, attachment_type, attachment_body) values ('enrol-' || :eid, '<m' || :eid || '@x>', 'enrolment_confirmed', :uid, 'u@example.nhs.uk', 'Your place', repeat('t', 1500), repeat('h', 5000), false, 'queued', now(), now(), 'c.ics', 'text/calendar', convert_to(repeat('i', 1000), 'UTF8')) on conflict (idempotency_key) do nothing returning email_outbox_id) select 1;
SQL
pgbench -n -M prepared -c 50 -j 2 -T 15 -f "$work/place.sql" "$url" | grep -E "failed|latency average|tps"
psql -At "$url" -c "select count(*) || ' places written, ' || (select count(*) from email_outbox) || ' emails queued' from enrolments"
