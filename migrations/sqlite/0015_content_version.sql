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

create trigger courses_content_insert after insert on courses begin update content_version set version = version + 1 where id = 1; end;
create trigger courses_content_update after update on courses begin update content_version set version = version + 1 where id = 1; end;
create trigger courses_content_delete after delete on courses begin update content_version set version = version + 1 where id = 1; end;
create trigger cohort_sessions_content_insert after insert on cohort_sessions begin update content_version set version = version + 1 where id = 1; end;
create trigger cohort_sessions_content_update after update on cohort_sessions begin update content_version set version = version + 1 where id = 1; end;
create trigger cohort_sessions_content_delete after delete on cohort_sessions begin update content_version set version = version + 1 where id = 1; end;
create trigger reports_content_insert after insert on reports begin update content_version set version = version + 1 where id = 1; end;
create trigger reports_content_update after update on reports begin update content_version set version = version + 1 where id = 1; end;
create trigger reports_content_delete after delete on reports begin update content_version set version = version + 1 where id = 1; end;
create trigger report_findings_content_insert after insert on report_findings begin update content_version set version = version + 1 where id = 1; end;
create trigger report_findings_content_update after update on report_findings begin update content_version set version = version + 1 where id = 1; end;
create trigger report_findings_content_delete after delete on report_findings begin update content_version set version = version + 1 where id = 1; end;
create trigger report_courses_content_insert after insert on report_courses begin update content_version set version = version + 1 where id = 1; end;
create trigger report_courses_content_update after update on report_courses begin update content_version set version = version + 1 where id = 1; end;
create trigger report_courses_content_delete after delete on report_courses begin update content_version set version = version + 1 where id = 1; end;
create trigger posts_content_insert after insert on posts begin update content_version set version = version + 1 where id = 1; end;
create trigger posts_content_update after update on posts begin update content_version set version = version + 1 where id = 1; end;
create trigger posts_content_delete after delete on posts begin update content_version set version = version + 1 where id = 1; end;
create trigger home_blocks_content_insert after insert on home_blocks begin update content_version set version = version + 1 where id = 1; end;
create trigger home_blocks_content_update after update on home_blocks begin update content_version set version = version + 1 where id = 1; end;
create trigger home_blocks_content_delete after delete on home_blocks begin update content_version set version = version + 1 where id = 1; end;
create trigger uploads_content_insert after insert on uploads begin update content_version set version = version + 1 where id = 1; end;
create trigger uploads_content_update after update on uploads begin update content_version set version = version + 1 where id = 1; end;
create trigger uploads_content_delete after delete on uploads begin update content_version set version = version + 1 where id = 1; end;
-- An enrolment changes only seats_taken and waitlist_last, which are not content.
create trigger cohorts_content_insert after insert on cohorts begin update content_version set version = version + 1 where id = 1; end;
create trigger cohorts_content_delete after delete on cohorts begin update content_version set version = version + 1 where id = 1; end;
create trigger cohorts_content_update after update of course_id, name, starts_on, ends_on, enrol_opens_at, enrol_closes_at, capacity, status, delivery_notes, calendar_sequence, cancellation_message on cohorts
    begin update content_version set version = version + 1 where id = 1; end;
