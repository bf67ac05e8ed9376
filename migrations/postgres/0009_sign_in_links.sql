-- One-time sign-in links (offered instead of a password check past the per-account ceiling
-- on sign-in attempts) are account tokens too: the purpose check allows them.
alter table account_tokens drop constraint account_tokens_purpose_check;
alter table account_tokens add constraint account_tokens_purpose_check
    check (purpose in ('verify_email', 'reset_password', 'sign_in'));
