-- What a cohort's confirmed learners are given: files (kept here, apart from the public
-- uploads, and served only to them and to admins), links and short Markdown notes, each
-- with a title, an order and an optional time it becomes available. An announcement by
-- email is asked for with `announce_requested`; `announced_at` records when it was queued
-- (at once, or by the background job when a later `available_from` passes).
create table cohort_materials (
    material_id bigint generated always as identity primary key,
    cohort_id bigint not null references cohorts (cohort_id) on delete cascade,
    kind text not null check (kind in ('file', 'link', 'note')),
    title text not null,
    position bigint not null,
    available_from timestamptz,
    -- Files: the format read from the bytes, a safe name, the bytes themselves.
    file_format text check (file_format in
        ('pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'png', 'jpeg', 'gif', 'webp', 'text')),
    filename text not null default '',
    bytes bytea,
    size_bytes bigint not null default 0,
    sha256 text not null default '',
    -- Links: an http or https address.
    url text not null default '',
    -- Notes: Markdown, rendered and sanitised when shown.
    body text not null default '',
    announce_requested boolean not null default false,
    announced_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    check ((kind = 'file') = (file_format is not null and bytes is not null))
);
create index cohort_materials_cohort_idx on cohort_materials (cohort_id, position);
create index cohort_materials_announce_idx on cohort_materials (available_from)
    where announce_requested and announced_at is null;
