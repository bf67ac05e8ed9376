-- What the admin told learners when a cohort was cancelled (mailed to everyone affected).
alter table cohorts add column cancellation_message text;
