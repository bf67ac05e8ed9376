-- The admin list of emails in one status, newest first, read off an index in its order
-- (db::outbox::page_statement) rather than by sorting every mail in that status.
create index email_outbox_status_idx on email_outbox (status, email_outbox_id);
