-- What each audit event was done to (domain::audit::Subject), beside the account it
-- concerns: the admins' audit log filters by it and links to it. Events recorded before
-- this keep their account as their subject.
alter table audit_events add column subject_kind text;
alter table audit_events add column subject_id integer;
update audit_events set subject_kind = 'user', subject_id = subject_user_id
    where subject_user_id is not null;

-- The audit log is newest first by time, filtered by any one of these, with a date range
-- or not (db::audit_log::log_statement): each gives its events in the log's order.
drop index audit_events_actor_idx;
create index audit_events_actor_idx on audit_events (actor_user_id, created_at, audit_event_id);
create index audit_events_kind_idx on audit_events (subject_kind, created_at, audit_event_id);
create index audit_events_subject_kind_idx
    on audit_events (subject_kind, subject_id, created_at, audit_event_id);
create index audit_events_action_idx on audit_events (action, created_at, audit_event_id);
create index audit_events_address_idx on audit_events (client_address, created_at, audit_event_id);
create index audit_events_created_idx on audit_events (created_at, audit_event_id);

-- Events are never edited or deleted. The one change allowed is forgetting a deleted
-- account's client addresses (db::audit::forget_addresses).
create trigger audit_events_never_deleted before delete on audit_events
begin
    select raise(abort, 'audit events are never deleted');
end;
create trigger audit_events_never_edited before update on audit_events
when new.client_address is not null
    or new.audit_event_id is not old.audit_event_id
    or new.actor_user_id is not old.actor_user_id
    or new.subject_user_id is not old.subject_user_id
    or new.subject_kind is not old.subject_kind
    or new.subject_id is not old.subject_id
    or new.action is not old.action
    or new.detail is not old.detail
    or new.created_at is not old.created_at
begin
    select raise(abort, 'audit events are never edited');
end;
