-- The body's public content: investigation reports with their findings, news, events and
-- blogs, the home page's text blocks, and uploaded images and PDFs (kept in the database so
-- every process serves the same files). An item is a draft while publish_at is null, and
-- appears once publish_at has passed: scheduled items need no job and no restart.

create table uploads (
    upload_id bigint generated always as identity primary key,
    kind text not null check (kind in ('image', 'pdf')),
    content_type text not null,
    filename text not null,
    bytes bytea not null,
    size_bytes bigint not null,
    sha256 text not null,
    -- Required for images: what the picture shows, for people who cannot see it.
    alt_text text not null default '',
    created_at timestamptz not null
);

create table reports (
    report_id bigint generated always as identity primary key,
    slug text not null,
    title text not null,
    summary text not null,
    body text not null default '',
    topic text not null,
    publish_at timestamptz,
    image_upload_id bigint references uploads (upload_id),
    pdf_upload_id bigint references uploads (upload_id),
    -- Title and summary folded in Rust, for the same search on both databases.
    search_text text not null default '',
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index reports_slug_key on reports (slug);
create index reports_publish_idx on reports (publish_at);

create table report_slugs (
    slug text primary key,
    report_id bigint not null references reports (report_id) on delete cascade,
    created_at timestamptz not null
);

-- Safety recommendations (with their addressee and response), observations and actions.
create table report_findings (
    finding_id bigint generated always as identity primary key,
    report_id bigint not null references reports (report_id) on delete cascade,
    kind text not null check (kind in ('recommendation', 'observation', 'action')),
    position bigint not null,
    reference text not null default '',
    text text not null,
    addressee text not null default '',
    response_status text not null default '',
    response_due_on date,
    response text not null default ''
);
create index report_findings_report_idx on report_findings (report_id, kind, position);

create table report_courses (
    report_id bigint not null references reports (report_id) on delete cascade,
    course_id bigint not null references courses (course_id) on delete cascade,
    primary key (report_id, course_id)
);

create table posts (
    post_id bigint generated always as identity primary key,
    kind text not null check (kind in ('news', 'event', 'blog')),
    slug text not null,
    title text not null,
    summary text not null,
    body text not null default '',
    author text not null default '',
    event_starts_at timestamptz,
    event_ends_at timestamptz,
    event_location text not null default '',
    image_upload_id bigint references uploads (upload_id),
    publish_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index posts_slug_key on posts (slug);
create index posts_publish_idx on posts (publish_at);

create table post_slugs (
    slug text primary key,
    post_id bigint not null references posts (post_id) on delete cascade,
    created_at timestamptz not null
);

-- The home page's text: introduction, About us, Investigations, Education.
create table home_blocks (
    block text primary key check (block in ('introduction', 'about', 'investigations', 'education')),
    title text not null,
    body text not null default '',
    link_label text not null default '',
    link_href text not null default '',
    updated_at timestamptz not null
);

-- A new site starts with sensible text in every block; admins edit it.
insert into home_blocks (block, title, body, link_label, link_href, updated_at) values
('introduction', 'Learning from patient safety investigations',
 'We investigate patient safety concerns across England so that care improves for everyone, and we teach the methods we use. Every course is CPD accredited and free for NHS staff in England.',
 'Find a course', '/courses', '2026-01-01T00:00:00Z'),
('about', 'About us',
 'We are an independent body that investigates patient safety concerns in healthcare across England, so that care improves at a national level. We look at systems, not at who to blame: our investigations never decide fault or liability.

What people tell us during an investigation is confidential and protected by law.',
 '', '', '2026-01-01T00:00:00Z'),
('investigations', 'Investigations',
 'We can investigate concerns about healthcare in England that affect, or could affect, the safety of patients, in the NHS and in the independent sector. The Secretary of State for Health and Social Care can also direct us to investigate.',
 'Read our investigation reports', '/reports', '2026-01-01T00:00:00Z'),
('education', 'Education',
 'Our investigators teach the methods they use, in CPD-accredited courses that run online in cohorts through the year. They are free for NHS staff in England; learners from other organisations pay a fee per place, by card or by invoice.',
 'Enrol on a course', '/courses', '2026-01-01T00:00:00Z');
