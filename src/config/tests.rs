//! Reading, checking and redacting configuration.

use super::*;

fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_map(&vars)
}

#[test]
fn defaults_describe_a_local_sqlite_site() {
    let config = config(&[]).unwrap();
    assert_eq!(config.env, Environment::Development);
    assert_eq!(
        config.database_url,
        DatabaseUrl::Sqlite("sqlite://academy.db".into())
    );
    assert_eq!(config.bind, "127.0.0.1:8080".parse().unwrap());
    assert_eq!(config.base_url.as_str(), "http://127.0.0.1:8080/");
    assert_eq!(config.password_hashing, PasswordHashing::RECOMMENDED);
    assert!(config.secret.is_none());
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = config(&[
        ("ACADEMY_ENV", "staging"),
        ("ACADEMY_BIND", "localhost"),
        ("DATABASE_URL", "mysql://x"),
        ("ACADEMY_DB_MAX_CONNECTIONS", "lots"),
        ("ACADEMY_SECRET", "short"),
    ])
    .unwrap_err();
    let text = err.to_string();
    assert_eq!(err.problems.len(), 5, "{text}");
    for name in [
        "ACADEMY_ENV",
        "ACADEMY_BIND",
        "DATABASE_URL",
        "ACADEMY_DB_MAX_CONNECTIONS",
        "ACADEMY_SECRET",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    assert!(text.starts_with("Academy cannot start: 5 configuration problems"));
}

#[test]
fn production_requires_secret_https_base_url_and_strong_hashing() {
    let err = config(&[
        ("ACADEMY_ENV", "production"),
        ("ACADEMY_BASE_URL", "http://academy.example"),
        ("ACADEMY_ARGON2_MEMORY_KIB", "64"),
    ])
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("ACADEMY_SECRET is required in production"),
        "{text}"
    );
    assert!(text.contains("must use https"), "{text}");
    assert!(
        text.contains("ACADEMY_ARGON2_MEMORY_KIB must be at least 19456"),
        "{text}"
    );
    assert!(
        text.contains("ACADEMY_SMTP_URL is required in production"),
        "{text}"
    );

    let ok = config(&[
        ("ACADEMY_ENV", "production"),
        ("ACADEMY_BASE_URL", "https://academy.example"),
        ("ACADEMY_SECRET", "0123456789abcdef0123456789abcdef"),
        (
            "DATABASE_URL",
            "postgres://academy:pw@db.internal/academy?sslmode=require",
        ),
        ("ACADEMY_SMTP_URL", "smtps://academy:pw@mail.example:465"),
        (
            "ACADEMY_SUPPLIER_NAME",
            "Health Services Safety Investigations Body",
        ),
        ("ACADEMY_SUPPLIER_ADDRESS", "1 Example Street\\nLondon"),
    ])
    .unwrap();
    assert!(ok.is_production());
    assert!(matches!(ok.database_url, DatabaseUrl::Postgres(_)));
}

#[test]
fn smtp_urls_follow_lettre_and_production_refuses_clear_passwords() {
    for good in [
        "smtps://u:p@mail.example:465",
        "smtp://u:p@mail.example:587?tls=required",
        "smtp://relay.local:2525",
    ] {
        assert!(config(&[("ACADEMY_SMTP_URL", good)]).is_ok(), "{good}");
    }
    for bad in [
        "http://mail.example",
        "smtp://mail.example?tls=none",
        "not a url",
    ] {
        let err = config(&[("ACADEMY_SMTP_URL", bad)]).unwrap_err();
        assert!(
            err.problems[0].starts_with("ACADEMY_SMTP_URL"),
            "{bad}: {err}"
        );
        assert!(
            !err.to_string().contains("mail.example"),
            "the URL is never echoed: {err}"
        );
    }
    let production = |smtp: &str| {
        config(&[
            ("ACADEMY_ENV", "production"),
            ("ACADEMY_BASE_URL", "https://academy.example"),
            ("ACADEMY_SECRET", "0123456789abcdef0123456789abcdef"),
            ("ACADEMY_SMTP_URL", smtp),
            (
                "ACADEMY_SUPPLIER_NAME",
                "Health Services Safety Investigations Body",
            ),
            ("ACADEMY_SUPPLIER_ADDRESS", "1 Example Street"),
        ])
    };
    let err = production("smtp://u:p@mail.example:587").unwrap_err();
    assert!(err.to_string().contains("plain connection"), "{err}");
    assert!(production("smtp://u:p@mail.example:587?tls=required").is_ok());
    assert!(
        production("smtp://relay.local:2525").is_ok(),
        "a local relay without credentials"
    );
}

#[test]
fn debug_output_redacts_secrets_and_database_password() {
    let config = config(&[
        ("ACADEMY_SECRET", "super-secret-value-that-is-long-enough"),
        ("ACADEMY_METRICS_TOKEN", "metrics-token-1234567"),
        (
            "DATABASE_URL",
            "postgres://academy:hunter2hunter2@db/academy",
        ),
    ])
    .unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains("super-secret"), "{shown}");
    assert!(!shown.contains("metrics-token"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("[redacted]"));
}

#[test]
fn in_memory_sqlite_and_odd_values_are_refused() {
    let err = config(&[
        ("DATABASE_URL", "sqlite::memory:"),
        ("ACADEMY_BASE_URL", "ftp://x"),
        ("ACADEMY_REQUEST_TIMEOUT_SECS", "0"),
        ("ACADEMY_CONTACT_EMAIL", "not an email"),
    ])
    .unwrap_err();
    assert_eq!(err.problems.len(), 4, "{err}");
}

#[test]
fn development_secret_is_generated_once_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let dir_str = dir.path().to_str().unwrap();
    let mut first = config(&[("ACADEMY_DATA_DIR", dir_str)]).unwrap();
    first.resolve_development_secret().unwrap();
    let mut second = config(&[("ACADEMY_DATA_DIR", dir_str)]).unwrap();
    second.resolve_development_secret().unwrap();
    assert_eq!(first.secret, second.secret);
    assert!(first.secret.unwrap().expose().len() >= 32);
}

#[test]
fn production_requires_the_supplier_printed_on_invoices() {
    let production = [
        ("ACADEMY_ENV", "production"),
        ("ACADEMY_BASE_URL", "https://academy.example"),
        ("ACADEMY_SECRET", "0123456789abcdef0123456789abcdef"),
        ("ACADEMY_SMTP_URL", "smtps://academy:pw@mail.example:465"),
    ];
    let missing = config(&production).unwrap_err().problems;
    assert_eq!(
        missing,
        [
            "ACADEMY_SUPPLIER_NAME is required in production (printed on every invoice and receipt)",
            "ACADEMY_SUPPLIER_ADDRESS is required in production (printed on every invoice and receipt)",
        ],
        "every missing one is listed at once"
    );

    let with_vat = [
        &production[..],
        &[
            (
                "ACADEMY_SUPPLIER_NAME",
                "Health Services Safety Investigations Body",
            ),
            ("ACADEMY_SUPPLIER_ADDRESS", "  "),
            ("ACADEMY_VAT_RATE", "20"),
        ],
    ]
    .concat();
    let missing = config(&with_vat).unwrap_err().problems;
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(
        missing[0].starts_with("ACADEMY_SUPPLIER_ADDRESS is required"),
        "a blank one counts as unset"
    );
    assert_eq!(
        missing[1],
        "ACADEMY_VAT_NUMBER is required in production when ACADEMY_VAT_RATE is set"
    );

    let complete = [
        &with_vat[..],
        &[
            ("ACADEMY_SUPPLIER_ADDRESS", "1 Example Street\\nLondon"),
            ("ACADEMY_VAT_NUMBER", "GB123456789"),
        ],
    ]
    .concat();
    assert!(config(&complete).is_ok());
    assert!(
        config(&[("ACADEMY_VAT_RATE", "20")]).is_ok(),
        "development keeps its placeholders"
    );
}
