-- A place's page reads its current certificate by enrolment; the only index on
-- certificates(enrolment_id) so far is the partial one for valid certificates, which a
-- query for "not replaced" cannot use, so at scale every place page scanned the table.
create index certificates_enrolment_idx on certificates (enrolment_id, certificate_id);

-- The admins' certificate page lists the latest when nothing is searched for.
create index certificates_issued_idx on certificates (issued_at, certificate_id);
