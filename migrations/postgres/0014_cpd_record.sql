-- The CPD record: each learner's own log of learning, kept for revalidation and appraisal.
-- Verified entries are made when a course is completed and carry the certificate's facts;
-- self-declared ones, and the NMC's feedback and reflective-discussion records, are the
-- learner's own. Nobody but the learner (and a share link they made) reads an entry.

-- The learner's renewal (NMC, HCPC, GPhC) or appraisal (GMC) date, and whether they want
-- the reminders 90 and 30 days before it.
alter table users add column cpd_renewal_on date;
alter table users add column cpd_reminders boolean not null default true;

create table cpd_entries (
    entry_id bigint generated always as identity primary key,
    user_id bigint not null references users (user_id) on delete cascade,
    kind text not null check (kind in ('activity', 'feedback', 'reflective_discussion')),
    -- Verified entries: the certificate they were made from (a reissue moves the link to
    -- the new certificate; a revoked one stops the entry counting).
    certificate_id bigint references certificates (certificate_id),
    title text not null,
    provider text not null default '',
    method text check (method in ('course', 'e_learning', 'live_session', 'conference',
        'reading', 'peer_discussion', 'supervision', 'audit_or_qi', 'other')),
    started_on date not null,
    ended_on date not null,
    minutes bigint not null default 0 check (minutes >= 0),
    participatory_minutes bigint not null default 0 check (participatory_minutes >= 0),
    planning text check (planning in ('planned', 'unplanned')),
    -- Activities: the topic and how it relates to practice, and the learning outcomes.
    topic text not null default '',
    learning_outcomes text not null default '',
    -- The reflection, in the three parts the regulators' forms ask for.
    reflection_learned text not null default '',
    reflection_practice text not null default '',
    reflection_benefit text not null default '',
    -- NMC: the Code's theme a reflective account is linked to.
    code_theme text check (code_theme in ('prioritise_people', 'practise_effectively',
        'preserve_safety', 'promote_professionalism')),
    -- HCPC standards and GMC Good Medical Practice domains: `domain::cpd::Flags`, stored
    -- comma separated.
    hcpc_standards text not null default '',
    gmp_domains text not null default '',
    -- NMC feedback records: where the feedback came from, what it was about, how it was used.
    feedback_source text check (feedback_source in ('patient_or_service_user',
        'carer_or_family', 'colleague', 'manager', 'student', 'team_or_audit',
        'complaint_or_compliment', 'other')),
    source_other text not null default '',
    about text not null default '',
    how_used text not null default '',
    -- NMC reflective discussions: the other registrant.
    partner_name text not null default '',
    partner_pin text not null default '',
    -- The learner's tags, lower case, comma separated with a comma at each end (",a,b,")
    -- so one tag is found with a plain `like`.
    tags text not null default '',
    -- Title, provider, topic and tags folded in Rust, for the learner's search.
    search_text text not null default '',
    created_at timestamptz not null,
    updated_at timestamptz not null,
    check (ended_on >= started_on),
    check (participatory_minutes <= minutes),
    check ((kind = 'activity') = (method is not null)),
    check ((kind = 'feedback') = (feedback_source is not null))
);
create index cpd_entries_user_idx on cpd_entries (user_id, ended_on);
create unique index cpd_entries_certificate_key on cpd_entries (certificate_id);

-- Every change to an entry, as the entry was after it (a JSON snapshot), kept when the
-- entry is deleted; it goes with the account.
create table cpd_entry_history (
    history_id bigint generated always as identity primary key,
    entry_id bigint not null,
    user_id bigint not null references users (user_id) on delete cascade,
    action text not null check (action in ('created', 'edited', 'reflected', 'deleted',
        'certificate_revoked', 'certificate_replaced', 'evidence_added', 'evidence_removed')),
    snapshot text not null,
    at timestamptz not null
);
create index cpd_entry_history_entry_idx on cpd_entry_history (entry_id, history_id);

-- Evidence files: stored here, never among the public uploads; served only to the owner
-- and through a share link that includes evidence.
create table cpd_evidence (
    evidence_id bigint generated always as identity primary key,
    entry_id bigint not null references cpd_entries (entry_id) on delete cascade,
    file_format text not null check (file_format in
        ('pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'png', 'jpeg', 'gif', 'webp', 'text')),
    filename text not null,
    bytes bytea not null,
    size_bytes bigint not null,
    sha256 text not null,
    created_at timestamptz not null
);
create index cpd_evidence_entry_idx on cpd_evidence (entry_id);

-- Read-only links for an appraiser, confirmer or line manager. Only the token's hash is
-- stored; views are counted in memory and added here about once a minute.
create table cpd_share_links (
    share_id bigint generated always as identity primary key,
    user_id bigint not null references users (user_id) on delete cascade,
    token_hash text not null,
    -- What it shows: the whole record, or entries ending within the dates.
    from_on date,
    to_on date,
    include_evidence boolean not null default false,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    views bigint not null default 0,
    last_viewed_at timestamptz
);
create unique index cpd_share_links_token_key on cpd_share_links (token_hash);
create index cpd_share_links_user_idx on cpd_share_links (user_id);

-- Renewal reminders sent, one per renewal date and lead time (90 or 30 days).
create table cpd_reminders (
    user_id bigint not null references users (user_id) on delete cascade,
    renewal_on date not null,
    days_before bigint not null check (days_before in (90, 30)),
    sent_at timestamptz not null,
    primary key (user_id, renewal_on, days_before)
);
