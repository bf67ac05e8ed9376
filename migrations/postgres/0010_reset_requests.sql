-- Forgot-password requests waiting for the background worker. The page only writes a row
-- here, the same for every address, so its answer and its timing say nothing about whether
-- an account exists; the worker looks the address up, mails the link and deletes the row
-- (it names a person, so it is kept only until then).
create table reset_requests (
    reset_request_id bigint generated always as identity primary key,
    email text not null,
    client_address text not null,
    -- Failed runs of the worker on this row; it is dropped after a few.
    attempts bigint not null default 0,
    requested_at timestamptz not null
);
