-- The content version: every write to what the public pages show (courses, cohorts but
-- not their seat counts, sessions, reports and their findings and course links, posts, home
-- blocks, uploads) adds one to it in the writing transaction, through these triggers, so no
-- write path can forget. Each process keeps the published content in memory and reloads it
-- when the version moves (`published::Published`).
create table content_version (
    id integer primary key check (id = 1),
    version bigint not null
);
insert into content_version (id, version) values (1, 0);

-- PostgreSQL also tells every listening process, on commit.
create function bump_content_version() returns trigger language plpgsql as $$
begin
    update content_version set version = version + 1 where id = 1;
    perform pg_notify('academy_content', '');
    return null;
end
$$;
create trigger courses_content after insert or update or delete on courses
    for each statement execute function bump_content_version();
create trigger cohort_sessions_content after insert or update or delete on cohort_sessions
    for each statement execute function bump_content_version();
create trigger reports_content after insert or update or delete on reports
    for each statement execute function bump_content_version();
create trigger report_findings_content after insert or update or delete on report_findings
    for each statement execute function bump_content_version();
create trigger report_courses_content after insert or update or delete on report_courses
    for each statement execute function bump_content_version();
create trigger posts_content after insert or update or delete on posts
    for each statement execute function bump_content_version();
create trigger home_blocks_content after insert or update or delete on home_blocks
    for each statement execute function bump_content_version();
create trigger uploads_content after insert or update or delete on uploads
    for each statement execute function bump_content_version();
-- An enrolment changes only seats_taken and waitlist_last, which are not content.
create trigger cohorts_content after insert or delete or update of course_id, name, starts_on, ends_on, enrol_opens_at, enrol_closes_at, capacity, status, delivery_notes, calendar_sequence, cancellation_message
    on cohorts for each statement execute function bump_content_version();
