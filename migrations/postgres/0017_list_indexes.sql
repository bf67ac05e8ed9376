-- Indexes for the paginated admin lists and the published content's loads, so that each
-- page reads its own rows in index order instead of scanning and sorting a whole table
-- (`tests/it/query_plans.rs` checks each statement's plan). Where an index is ordered by
-- (value, id), the id settles ties in the order the lists show, on both databases.

-- Courses by their folded title: the admin list and its pickers; published ones for the
-- read model (replacing the index by raw title, which nothing orders by any more).
create index courses_search_idx on courses (search_text, course_id);
drop index courses_published_idx;
create index courses_published_idx on courses (published, search_text, course_id);

-- Cohorts soonest first: every one (the overview without a filter), of one status, of one
-- course (the last two made again with the id, which PostgreSQL does not add by itself).
create index cohorts_starts_idx on cohorts (starts_on, cohort_id);
drop index cohorts_status_idx;
create index cohorts_status_idx on cohorts (status, starts_on, cohort_id);
drop index cohorts_course_idx;
create index cohorts_course_idx on cohorts (course_id, starts_on, cohort_id);

-- Reports and posts by publication time with their id (drafts, then latest first).
drop index reports_publish_idx;
create index reports_publish_at_idx on reports (publish_at, report_id);
drop index posts_publish_idx;
create index posts_publish_at_idx on posts (publish_at, post_id);

-- The courses a report teaches from, looked up by course (and by a course's deletion).
create index report_courses_course_idx on report_courses (course_id);

-- Whether an upload is used by something published (each request for a public file), and
-- uploads counted and picked by kind without touching their bytes.
create index reports_image_idx on reports (image_upload_id);
create index reports_pdf_idx on reports (pdf_upload_id);
create index posts_image_idx on posts (image_upload_id);
create index uploads_kind_idx on uploads (kind, upload_id);
