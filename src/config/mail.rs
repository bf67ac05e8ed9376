//! Mail settings: the SMTP relay's URL (checked the way lettre reads it) and the sender.

use url::Url;

use super::Secret;

pub(super) fn default_sender() -> lettre::message::Mailbox {
    lettre::message::Mailbox::new(
        Some("Academy".into()),
        "no-reply@academy.example".parse().expect("a valid address"),
    )
}

pub(super) fn parse_smtp_url(raw: &str) -> Result<Secret, String> {
    let url = Url::parse(raw).map_err(|_| "is not a valid URL".to_owned())?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err("must start with smtp:// or smtps://".into());
    }
    // lettre decides what it accepts (e.g. it refuses ?tls=none); never echo the URL back.
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(raw)
        .map_err(|_| "is not a URL lettre accepts (see the README for examples)".to_owned())?;
    Ok(Secret::new(raw))
}

/// `smtp://user:pass@host` without `tls=required` would send the password in clear.
pub(super) fn sends_credentials_in_clear(raw: &str) -> bool {
    let Ok(url) = Url::parse(raw) else {
        return false;
    };
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    let tls_required = url
        .query_pairs()
        .any(|(k, v)| k == "tls" && v == "required");
    url.scheme() == "smtp" && has_credentials && !tls_required
}
