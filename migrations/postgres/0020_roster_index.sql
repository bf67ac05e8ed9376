-- A cohort's roster page picks its places from this index alone: every column it sorts
-- by is here (db::enrolments::roster_page_statement), so a cohort of hundreds of places
-- sorts index entries and reads only the page's rows.
drop index enrolments_cohort_idx;
create index enrolments_cohort_idx on enrolments (cohort_id, status, waitlist_number, created_at, enrolment_id);
