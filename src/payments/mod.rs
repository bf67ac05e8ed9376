//! Card payments: the checkout provider (Stripe Checkout over HTTP) and its signed webhooks.

mod stripe;

pub use stripe::{
    CardProvider, CheckoutRequest, CheckoutSession, ProviderError, WEBHOOK_TOLERANCE, WebhookError,
    WebhookEvent, WebhookKind, sign_webhook,
};
