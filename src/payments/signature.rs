//! Stripe's webhook signatures: an HMAC-SHA256 of the timestamp and the raw body, checked
//! in constant time, with the signed timestamp held to [`WEBHOOK_TOLERANCE`] of now.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::webhook::WebhookError;

type HmacSha256 = Hmac<Sha256>;

/// How far a webhook's signed timestamp may be from "now", either way, before it is refused.
pub const WEBHOOK_TOLERANCE: chrono::Duration = chrono::Duration::minutes(5);

/// A `Stripe-Signature` header for `body`, as Stripe would send it at `timestamp`.
pub fn sign_webhook(secret: &str, body: &[u8], timestamp: i64) -> String {
    let mac = webhook_mac(secret, timestamp.to_string().as_bytes(), body);
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

fn webhook_mac(secret: &str, timestamp: &[u8], body: &[u8]) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp);
    mac.update(b".");
    mac.update(body);
    mac
}

pub(super) fn verify_signature(
    secret: &str,
    body: &[u8],
    header: &str,
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    if header.trim().is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    let mut timestamp: Option<&str> = None;
    let mut signatures: Vec<Vec<u8>> = Vec::new();
    for item in header.split(',') {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        match key.trim() {
            "t" if timestamp.is_none() => timestamp = Some(value.trim()),
            // A v1 that is not hex cannot match; the others may still.
            "v1" => signatures.extend(hex::decode(value.trim()).ok()),
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(WebhookError::BadSignature);
    };
    let Ok(seconds) = timestamp.parse::<i64>() else {
        return Err(WebhookError::BadSignature);
    };
    let expected = webhook_mac(secret, timestamp.as_bytes(), body);
    // `verify_slice` compares in constant time.
    if !signatures
        .iter()
        .any(|signature| expected.clone().verify_slice(signature).is_ok())
    {
        return Err(WebhookError::BadSignature);
    }
    let tolerance = WEBHOOK_TOLERANCE.num_seconds().unsigned_abs();
    if now.timestamp().abs_diff(seconds) > tolerance {
        return Err(WebhookError::TooOld);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::webhook::{WebhookEvent, parse_event, tests::completed_body};

    const SECRET: &str = "whsec_unit";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_750_000_000, 0).unwrap()
    }

    /// What `CardProvider::verify_webhook` does: the signature, then the event.
    fn verify(body: &str, header: &str) -> Result<WebhookEvent, WebhookError> {
        verify_signature(SECRET, body.as_bytes(), header, now())?;
        parse_event(body.as_bytes())
    }

    #[test]
    fn a_correct_signature_is_accepted() {
        let body = completed_body();
        let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp());
        assert!(header.starts_with(&format!("t={},v1=", now().timestamp())));
        let event = verify(&body, &header).unwrap();
        assert_eq!(event.id, "evt_1");
    }

    #[test]
    fn a_changed_body_is_refused() {
        let body = completed_body();
        let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp());
        let changed = body.replace("12500", "1");
        assert_eq!(verify(&changed, &header), Err(WebhookError::BadSignature));
    }

    #[test]
    fn the_wrong_secret_is_refused() {
        let body = completed_body();
        let header = sign_webhook("whsec_other", body.as_bytes(), now().timestamp());
        assert_eq!(verify(&body, &header), Err(WebhookError::BadSignature));
    }

    #[test]
    fn timestamps_outside_the_tolerance_are_refused_either_way() {
        let body = completed_body();
        for offset in [-6 * 60, 6 * 60] {
            let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp() + offset);
            assert_eq!(
                verify(&body, &header),
                Err(WebhookError::TooOld),
                "{offset}"
            );
        }
        for offset in [-5 * 60, 5 * 60] {
            let header = sign_webhook(SECRET, body.as_bytes(), now().timestamp() + offset);
            assert!(verify(&body, &header).is_ok(), "{offset}");
        }
    }

    #[test]
    fn a_re_signed_timestamp_does_not_pass_with_the_old_signature() {
        let body = completed_body();
        let old = sign_webhook(SECRET, body.as_bytes(), now().timestamp() - 600);
        let v1 = old.split_once(",v1=").unwrap().1;
        let header = format!("t={},v1={v1}", now().timestamp());
        assert_eq!(verify(&body, &header), Err(WebhookError::BadSignature));
    }

    #[test]
    fn missing_and_garbled_headers_are_refused() {
        let body = completed_body();
        assert_eq!(verify(&body, ""), Err(WebhookError::MissingSignature));
        assert_eq!(verify(&body, "  "), Err(WebhookError::MissingSignature));
        let ts = now().timestamp();
        let valid = sign_webhook(SECRET, body.as_bytes(), ts);
        let v1 = valid.split_once(",v1=").unwrap().1.to_owned();
        for garbled in [
            "garbage".to_owned(),
            "t=,v1=".to_owned(),
            format!("v1={v1}"),
            format!("t={ts}"),
            format!("t=abc,v1={v1}"),
            format!("t={ts},v1=not-hex"),
            format!("t={ts},v1={}", &v1[..10]),
            format!("t={ts},v0={v1}"),
            "t=99999999999999999999999,v1=00".to_owned(),
        ] {
            assert_eq!(
                verify(&body, &garbled),
                Err(WebhookError::BadSignature),
                "{garbled}"
            );
        }
    }

    #[test]
    fn any_matching_v1_signature_is_enough() {
        let body = completed_body();
        let ts = now().timestamp();
        let valid = sign_webhook(SECRET, body.as_bytes(), ts);
        let v1 = valid.split_once(",v1=").unwrap().1;
        let wrong = sign_webhook("whsec_rolled", body.as_bytes(), ts);
        let wrong_v1 = wrong.split_once(",v1=").unwrap().1;
        let header = format!("t={ts}, v1={wrong_v1}, v1={v1}, v0=deadbeef");
        assert_eq!(verify(&body, &header).unwrap().id, "evt_1");
    }
}
