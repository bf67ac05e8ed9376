//! Card payments: the checkout provider (Stripe Checkout over HTTP), the signatures on its
//! webhooks, and the events they carry.

mod signature;
mod stripe;
mod webhook;

pub use signature::{WEBHOOK_TOLERANCE, sign_webhook};
pub use stripe::{CardProvider, CheckoutRequest, CheckoutSession, ProviderError};
pub use webhook::{WebhookError, WebhookEvent, WebhookKind};
