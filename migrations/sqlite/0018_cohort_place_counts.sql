-- Each cohort's waiting list and finished places, kept with the cohort like seats_taken
-- (db::enrolments writes them in the same transaction as every insert, change of state and
-- deletion of a place), so the admin overview reads them off its page's rows instead of
-- counting every place of every cohort it shows.
alter table cohorts add column waitlisted integer not null default 0 check (waitlisted >= 0);
alter table cohorts add column finished integer not null default 0 check (finished >= 0);
update cohorts set
    waitlisted = (select count(*) from enrolments e
                  where e.cohort_id = cohorts.cohort_id and e.status = 'waitlisted'),
    finished = (select count(*) from enrolments e
                where e.cohort_id = cohorts.cohort_id and e.status in ('completed', 'not_completed'));
