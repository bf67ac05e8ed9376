//! Card payments for held places: starting the provider's checkout, confirming places only
//! from its signed webhook (idempotent on the event id), and sending refunds.

mod checkout;
mod refunds;
mod webhook;

pub use checkout::{Checkout, CheckoutError, checkout_url, start_checkout};
pub use refunds::send_refunds;
pub use webhook::{WebhookOutcome, handle_event};
