//! Card payments: the checkout provider (Stripe Checkout over HTTP) and its signed webhooks.
