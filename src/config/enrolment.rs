//! Settings for enrolment: how long holds and offers last, the refund cut-off, VAT, the
//! supplier named on invoices, and the card provider (optional).

use chrono::Duration;
use url::Url;

use super::{Reader, Secret};

#[derive(Clone, Debug)]
pub struct EnrolmentPolicy {
    /// A seat held for a card payment; the provider's checkout ends 5 minutes earlier.
    pub card_hold: Duration,
    /// A seat held while an organisation raises a purchase order or pays an invoice.
    pub invoice_hold: Duration,
    /// How long a waiting-list offer stands.
    pub offer_time: Duration,
    /// Learners who cancel at least this many days before the start are refunded.
    pub refund_cutoff_days: i64,
    /// VAT in basis points (2000 = 20 %); 0 prints "VAT not applicable".
    pub vat_basis_points: i64,
}

/// Who issues pro-formas, invoices and receipts.
#[derive(Clone, Debug)]
pub struct Supplier {
    pub name: String,
    pub address: String,
    pub vat_number: Option<String>,
}

/// The hosted card checkout (Stripe's API, or a compatible fake in tests).
#[derive(Clone, Debug)]
pub struct CardSettings {
    pub api_base: Url,
    pub secret_key: Secret,
    pub webhook_secret: Secret,
    /// Where checkout pages live, allowed as a form target by the CSP.
    pub checkout_origin: String,
}

/// Stripe's shortest checkout session is 30 minutes and it must end before the hold.
pub const CHECKOUT_MARGIN_MINUTES: i64 = 5;
const SHORTEST_CARD_HOLD: i64 = 30 + CHECKOUT_MARGIN_MINUTES;

pub(super) fn policy(vars: &mut Reader<'_>) -> EnrolmentPolicy {
    EnrolmentPolicy {
        card_hold: Duration::minutes(vars.number(
            "ACADEMY_CARD_HOLD_MINUTES",
            40,
            SHORTEST_CARD_HOLD..=24 * 60,
        )),
        invoice_hold: Duration::days(vars.number("ACADEMY_INVOICE_HOLD_DAYS", 14, 1..=90)),
        offer_time: Duration::hours(vars.number("ACADEMY_OFFER_HOURS", 48, 1..=24 * 14)),
        refund_cutoff_days: vars.number("ACADEMY_REFUND_CUTOFF_DAYS", 14, 0..=365),
        vat_basis_points: vars.parse("ACADEMY_VAT_RATE", 0, parse_percent),
    }
}

pub(super) fn supplier(vars: &mut Reader<'_>) -> Supplier {
    Supplier {
        name: vars
            .raw("ACADEMY_SUPPLIER_NAME")
            .unwrap_or_else(|| "Health Services Safety Investigations Body".into()),
        address: vars
            .raw("ACADEMY_SUPPLIER_ADDRESS")
            .unwrap_or_else(|| "Academy education team, England".into())
            .replace("\\n", "\n"),
        vat_number: vars.raw("ACADEMY_VAT_NUMBER"),
    }
}

/// Card payments are offered only when both keys are set.
pub(super) fn card(vars: &mut Reader<'_>) -> Option<CardSettings> {
    let secret_key = vars.raw("ACADEMY_STRIPE_SECRET_KEY");
    let webhook_secret = vars.raw("ACADEMY_STRIPE_WEBHOOK_SECRET");
    let default_base = Url::parse("https://api.stripe.com").expect("a valid URL");
    let api_base = vars.parse("ACADEMY_STRIPE_API_BASE", default_base, |raw| {
        Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))
    });
    let checkout_origin = vars
        .raw("ACADEMY_STRIPE_CHECKOUT_ORIGIN")
        .unwrap_or_else(|| "https://checkout.stripe.com".into());
    match (secret_key, webhook_secret) {
        (Some(secret_key), Some(webhook_secret)) => Some(CardSettings {
            api_base,
            secret_key: Secret::new(secret_key),
            webhook_secret: Secret::new(webhook_secret),
            checkout_origin,
        }),
        (None, None) => None,
        _ => {
            vars.problem(
                "ACADEMY_STRIPE_SECRET_KEY and ACADEMY_STRIPE_WEBHOOK_SECRET must be set together",
            );
            None
        }
    }
}

/// "20", "20%" or "17.5 %" → basis points.
fn parse_percent(raw: &str) -> Result<i64, String> {
    let number = raw.trim_end_matches('%').trim();
    let refuse = || format!("must be a percentage from 0 to 100, such as 20 or 17.5, not {raw:?}");
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !(whole.chars().chain(fraction.chars())).all(|c| c.is_ascii_digit())
    {
        return Err(refuse());
    }
    let whole: i64 = whole.parse().map_err(|_| refuse())?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| refuse())?;
    let basis_points = whole * 100 + fraction;
    match basis_points {
        0..=10_000 => Ok(basis_points),
        _ => Err(refuse()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_percent;

    #[test]
    fn vat_rates_parse_to_basis_points() {
        assert_eq!(parse_percent("0"), Ok(0));
        assert_eq!(parse_percent("20"), Ok(2000));
        assert_eq!(parse_percent("20%"), Ok(2000));
        assert_eq!(parse_percent("17.5 %"), Ok(1750));
        for bad in ["", "abc", "-5", "101", "1.234", ".5", "20.x"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }
}
