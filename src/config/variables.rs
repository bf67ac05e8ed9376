//! The variables Academy reads, with their defaults and a line each: the `--help` text
//! and the README's table.

/// The environment variables Academy reads, with their defaults, for `--help` and the README.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://academy.db",
        "sqlite://FILE or postgres://USER@HOST/DB",
    ),
    ("ACADEMY_ENV", "development", "development or production"),
    (
        "ACADEMY_BIND",
        "127.0.0.1:8080",
        "address the site listens on",
    ),
    (
        "ACADEMY_BASE_URL",
        "http://<ACADEMY_BIND>",
        "public URL used in links (https in production)",
    ),
    (
        "ACADEMY_SECRET",
        "generated in development",
        "at least 32 characters; required in production",
    ),
    (
        "ACADEMY_DATA_DIR",
        "var",
        "folder for the development secret and local mail",
    ),
    (
        "ACADEMY_DB_MAX_CONNECTIONS",
        "10",
        "PostgreSQL pool size per process",
    ),
    (
        "ACADEMY_METRICS_BIND",
        "unset",
        "serve /metrics on this address only",
    ),
    (
        "ACADEMY_METRICS_TOKEN",
        "unset",
        "bearer token for /metrics on the main address",
    ),
    (
        "ACADEMY_REQUEST_TIMEOUT_SECS",
        "30",
        "longest a request may take",
    ),
    (
        "ACADEMY_MAX_BODY_BYTES",
        "1048576",
        "largest request body accepted",
    ),
    (
        "ACADEMY_ARGON2_MEMORY_KIB",
        "19456",
        "password hashing memory (production minimum 19456)",
    ),
    (
        "ACADEMY_ARGON2_ITERATIONS",
        "2",
        "password hashing passes (production minimum 2)",
    ),
    (
        "ACADEMY_CONTACT_EMAIL",
        "education@academy.example",
        "address shown on the contact page",
    ),
    (
        "ACADEMY_MAX_UPLOAD_BYTES",
        "10485760",
        "largest image, PDF or cohort material file an admin may upload",
    ),
    (
        "ACADEMY_FLAGSHIP_COURSE",
        "a-systems-approach-to-investigating-and-learning-from-patient-safety-incidents",
        "slug of the course the home page features",
    ),
    (
        "ACADEMY_VERIFY_PER_MINUTE",
        "60",
        "public certificate checks per client address per minute (in memory, per process)",
    ),
    (
        "ACADEMY_CARD_HOLD_MINUTES",
        "40",
        "seat held for a card payment (at least 35)",
    ),
    (
        "ACADEMY_INVOICE_HOLD_DAYS",
        "14",
        "seat held while an invoice or purchase order is arranged",
    ),
    (
        "ACADEMY_OFFER_HOURS",
        "48",
        "how long a waiting-list offer stands",
    ),
    (
        "ACADEMY_REFUND_CUTOFF_DAYS",
        "14",
        "learners cancelling at least this many days before the start are refunded",
    ),
    (
        "ACADEMY_VAT_RATE",
        "0",
        "VAT percentage on invoices and receipts",
    ),
    (
        "ACADEMY_SUPPLIER_NAME",
        "Health Services Safety Investigations Body",
        "supplier on invoices and receipts",
    ),
    (
        "ACADEMY_SUPPLIER_ADDRESS",
        "a placeholder",
        "supplier's address (\\n between lines)",
    ),
    ("ACADEMY_VAT_NUMBER", "unset", "VAT registration number"),
    (
        "ACADEMY_STRIPE_SECRET_KEY",
        "unset",
        "card payments by Stripe Checkout (with the webhook secret)",
    ),
    (
        "ACADEMY_STRIPE_WEBHOOK_SECRET",
        "unset",
        "signing secret of the /payments/webhook endpoint",
    ),
    (
        "ACADEMY_STRIPE_API_BASE",
        "https://api.stripe.com",
        "the card provider's API",
    ),
    (
        "ACADEMY_STRIPE_CHECKOUT_ORIGIN",
        "https://checkout.stripe.com",
        "checkout pages, allowed as a form target",
    ),
];
