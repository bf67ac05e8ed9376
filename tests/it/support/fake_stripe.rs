//! A local fake of the parts of Stripe's HTTP API the academy calls: checkout sessions and
//! refunds, with Stripe's authentication, idempotency keys and error bodies, plus signed
//! webhook events for the sessions it created.
//!
//! It never panics on odd input: anything it cannot read is answered with a Stripe-style error.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// One checkout session, as the fake received it.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeCheckout {
    pub id: String,
    pub amount_pence: i64,
    /// `client_reference_id` (the fake insists `metadata[reference]` matches it).
    pub reference: String,
    /// `line_items[0][price_data][product_data][name]`.
    pub description: String,
    pub customer_email: String,
    pub success_url: String,
    pub cancel_url: String,
    pub expires_at: i64,
    pub idempotency_key: Option<String>,
}

/// One refund, as the fake received it.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeRefund {
    pub id: String,
    pub payment_intent: String,
    pub amount_pence: i64,
    pub idempotency_key: Option<String>,
}

/// A stored result for an idempotency key: which call it was for, and the answer.
struct Replay {
    path: &'static str,
    params: BTreeMap<String, String>,
    body: Value,
}

#[derive(Default)]
struct Shared {
    base_url: String,
    checkouts: Vec<FakeCheckout>,
    refunds: Vec<FakeRefund>,
    idempotent: HashMap<String, Replay>,
    failures_left: usize,
    next_id: u64,
}

pub struct FakeStripe {
    pub base_url: url::Url,
    shared: Arc<Mutex<Shared>>,
}

type Answer = (StatusCode, Value);

impl FakeStripe {
    pub const SECRET_KEY: &str = "sk_test_fake";
    pub const WEBHOOK_SECRET: &str = "whsec_test_fake";

    pub async fn start() -> FakeStripe {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let base_url = url::Url::parse(&format!("http://{address}/")).unwrap();
        let shared = Arc::new(Mutex::new(Shared {
            base_url: base_url.as_str().trim_end_matches('/').to_owned(),
            ..Shared::default()
        }));
        let router = Router::new()
            .route("/v1/checkout/sessions", post(create_checkout))
            .route("/v1/refunds", post(create_refund))
            .route("/c/pay/{id}", get(checkout_page))
            .fallback(unknown_route)
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FakeStripe { base_url, shared }
    }

    /// Every checkout session created, oldest first (idempotent replays are not repeated).
    pub fn checkouts(&self) -> Vec<FakeCheckout> {
        lock(&self.shared).checkouts.clone()
    }

    /// Every refund made, oldest first.
    pub fn refunds(&self) -> Vec<FakeRefund> {
        lock(&self.shared).refunds.clone()
    }

    /// The next `n` API calls answer 500 `{"error":{"message":"fake outage"}}` and change nothing.
    pub fn fail_next(&self, n: usize) {
        lock(&self.shared).failures_left = n;
    }

    /// A signed `checkout.session.completed` event for a session this fake created, paid in full
    /// through payment intent `pi_<session id>`: `(body, Stripe-Signature header)`.
    pub fn completed_event(
        &self,
        event_id: &str,
        session_id: &str,
        timestamp: i64,
    ) -> (String, String) {
        let mut object = self.session_object(session_id);
        object["status"] = json!("complete");
        object["payment_status"] = json!("paid");
        object["payment_intent"] = json!(payment_intent_for(session_id));
        object["url"] = Value::Null;
        signed_event(event_id, "checkout.session.completed", object, timestamp)
    }

    /// A signed `checkout.session.expired` event for a session this fake created.
    pub fn expired_event(
        &self,
        event_id: &str,
        session_id: &str,
        timestamp: i64,
    ) -> (String, String) {
        let mut object = self.session_object(session_id);
        object["status"] = json!("expired");
        object["url"] = Value::Null;
        signed_event(event_id, "checkout.session.expired", object, timestamp)
    }

    fn session_object(&self, session_id: &str) -> Value {
        let shared = lock(&self.shared);
        let checkout = shared
            .checkouts
            .iter()
            .find(|c| c.id == session_id)
            .unwrap_or_else(|| panic!("the fake Stripe made no checkout session {session_id}"));
        session_json(&shared.base_url, checkout)
    }
}

fn signed_event(event_id: &str, kind: &str, object: Value, timestamp: i64) -> (String, String) {
    let body = json!({
        "id": event_id,
        "object": "event",
        "api_version": "2025-06-30.basil",
        "created": timestamp,
        "livemode": false,
        "pending_webhooks": 1,
        "type": kind,
        "data": { "object": object },
    })
    .to_string();
    let signature =
        academy::payments::sign_webhook(FakeStripe::WEBHOOK_SECRET, body.as_bytes(), timestamp);
    (body, signature)
}

fn payment_intent_for(session_id: &str) -> String {
    format!("pi_{session_id}")
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

fn session_json(base_url: &str, checkout: &FakeCheckout) -> Value {
    json!({
        "id": checkout.id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "payment_intent": null,
        "amount_subtotal": checkout.amount_pence,
        "amount_total": checkout.amount_pence,
        "currency": "gbp",
        "client_reference_id": checkout.reference,
        "customer_email": checkout.customer_email,
        "metadata": { "reference": checkout.reference },
        "success_url": checkout.success_url,
        "cancel_url": checkout.cancel_url,
        "expires_at": checkout.expires_at,
        "livemode": false,
        "url": format!("{base_url}/c/pay/{}", checkout.id),
    })
}

fn stripe_error(status: StatusCode, kind: &str, message: &str, param: Option<&str>) -> Answer {
    let mut error = json!({ "type": kind, "message": message });
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    (status, json!({ "error": error }))
}

fn invalid(message: &str, param: &str) -> Answer {
    stripe_error(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        message,
        Some(param),
    )
}

fn respond((status, body): Answer) -> Response {
    (status, axum::Json(body)).into_response()
}

/// What every API call goes through: the outage switch, the API key, the form body, and
/// idempotency keys. `handle` runs only for a new, well-formed, authenticated request.
fn api_call(
    shared: &Mutex<Shared>,
    path: &'static str,
    headers: &HeaderMap,
    body: &[u8],
    handle: impl FnOnce(&mut Shared, &BTreeMap<String, String>, Option<String>) -> Answer,
) -> Answer {
    let mut shared = lock(shared);
    if shared.failures_left > 0 {
        shared.failures_left -= 1;
        return stripe_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "fake outage",
            None,
        );
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match authorization.and_then(|v| v.strip_prefix("Bearer ")) {
        Some(FakeStripe::SECRET_KEY) => {}
        Some(_) => {
            return stripe_error(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                "Invalid API Key provided: sk_test_****",
                None,
            );
        }
        None => {
            return stripe_error(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                "You did not provide an API key. Provide it in the Authorization header, \
                 using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
                None,
            );
        }
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Invalid request: the body must be application/x-www-form-urlencoded",
            None,
        );
    }
    let params: BTreeMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let idempotency_key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(key)) if !key.is_empty() && key.len() <= 255 => Some(key.to_owned()),
        Some(_) => {
            return stripe_error(
                StatusCode::BAD_REQUEST,
                "idempotency_error",
                "Invalid Idempotency-Key header",
                None,
            );
        }
    };
    if let Some(key) = &idempotency_key {
        if let Some(replay) = shared.idempotent.get(key) {
            if replay.path != path || replay.params != params {
                return stripe_error(
                    StatusCode::BAD_REQUEST,
                    "idempotency_error",
                    &format!(
                        "Keys for idempotent requests can only be used with the same parameters \
                         they were first used with. Try using a key other than '{key}' if you \
                         meant to execute a different request."
                    ),
                    None,
                );
            }
            return (StatusCode::OK, replay.body.clone());
        }
    }
    let (status, answer) = handle(&mut shared, &params, idempotency_key.clone());
    // Like Stripe, a request that failed validation leaves the key unused.
    if let (true, Some(key)) = (status.is_success(), idempotency_key) {
        let body = answer.clone();
        shared.idempotent.insert(key, Replay { path, params, body });
    }
    (status, answer)
}

fn required<'p>(params: &'p BTreeMap<String, String>, name: &str) -> Result<&'p str, Answer> {
    match params.get(name).map(|v| v.as_str()) {
        Some(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(invalid(&format!("Missing required param: {name}."), name)),
    }
}

fn integer(params: &BTreeMap<String, String>, name: &str) -> Result<i64, Answer> {
    required(params, name)?
        .parse::<i64>()
        .map_err(|_| invalid(&format!("Invalid integer: {name}"), name))
}

fn positive(params: &BTreeMap<String, String>, name: &str) -> Result<i64, Answer> {
    let value = integer(params, name)?;
    if value <= 0 {
        return Err(invalid(
            &format!("This value must be greater than or equal to 1: {name}"),
            name,
        ));
    }
    Ok(value)
}

fn absolute_url<'p>(params: &'p BTreeMap<String, String>, name: &str) -> Result<&'p str, Answer> {
    let value = required(params, name)?;
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(value),
        _ => Err(invalid(&format!("Not a valid URL: {name}"), name)),
    }
}

fn checkout_from(
    shared: &mut Shared,
    params: &BTreeMap<String, String>,
    idempotency_key: Option<String>,
) -> Result<FakeCheckout, Answer> {
    if required(params, "mode")? != "payment" {
        return Err(invalid("The fake only supports mode=payment.", "mode"));
    }
    let currency = required(params, "line_items[0][price_data][currency]")?;
    if currency != "gbp" {
        return Err(invalid(
            &format!("The fake only takes gbp, not {currency}."),
            "line_items[0][price_data][currency]",
        ));
    }
    if params.keys().any(|k| k.starts_with("line_items[1]")) {
        return Err(invalid("The fake takes one line item.", "line_items"));
    }
    let unit_amount = positive(params, "line_items[0][price_data][unit_amount]")?;
    let quantity = positive(params, "line_items[0][quantity]")?;
    let description = required(params, "line_items[0][price_data][product_data][name]")?;
    let customer_email = required(params, "customer_email")?;
    if !customer_email.contains('@') {
        return Err(invalid("Invalid email address", "customer_email"));
    }
    let reference = required(params, "client_reference_id")?;
    if params.get("metadata[reference]").map(String::as_str) != Some(reference) {
        return Err(invalid(
            "The fake expects metadata[reference] to equal client_reference_id.",
            "metadata[reference]",
        ));
    }
    let success_url = absolute_url(params, "success_url")?;
    let cancel_url = absolute_url(params, "cancel_url")?;
    // Stripe wants 30 minutes to 24 hours ahead of its own clock; the app runs on a test clock,
    // so the fake only checks the value is a number.
    let expires_at = integer(params, "expires_at")?;
    let Some(amount_pence) = unit_amount.checked_mul(quantity) else {
        return Err(invalid(
            "The amount is too large.",
            "line_items[0][quantity]",
        ));
    };
    shared.next_id += 1;
    Ok(FakeCheckout {
        id: format!("cs_test_{:06}", shared.next_id),
        amount_pence,
        reference: reference.to_owned(),
        description: description.to_owned(),
        customer_email: customer_email.to_owned(),
        success_url: success_url.to_owned(),
        cancel_url: cancel_url.to_owned(),
        expires_at,
        idempotency_key,
    })
}

async fn create_checkout(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(api_call(
        &shared,
        "/v1/checkout/sessions",
        &headers,
        &body,
        |shared, params, idempotency_key| match checkout_from(shared, params, idempotency_key) {
            Ok(checkout) => {
                let answer = session_json(&shared.base_url, &checkout);
                shared.checkouts.push(checkout);
                (StatusCode::OK, answer)
            }
            Err(error) => error,
        },
    ))
}

fn refund_from(
    shared: &mut Shared,
    params: &BTreeMap<String, String>,
    idempotency_key: Option<String>,
) -> Result<FakeRefund, Answer> {
    let payment_intent = required(params, "payment_intent")?;
    let amount_pence = positive(params, "amount")?;
    let Some(paid) = shared
        .checkouts
        .iter()
        .find(|c| payment_intent_for(&c.id) == payment_intent)
        .map(|c| c.amount_pence)
    else {
        return Err(stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such payment_intent: '{payment_intent}'"),
            Some("payment_intent"),
        ));
    };
    let refunded: i64 = shared
        .refunds
        .iter()
        .filter(|r| r.payment_intent == payment_intent)
        .map(|r| r.amount_pence)
        .sum();
    if refunded.saturating_add(amount_pence) > paid {
        return Err(invalid(
            &format!(
                "Refund amount ({amount_pence}) is greater than unrefunded amount on charge ({})",
                paid - refunded
            ),
            "amount",
        ));
    }
    shared.next_id += 1;
    Ok(FakeRefund {
        id: format!("re_test_{:06}", shared.next_id),
        payment_intent: payment_intent.to_owned(),
        amount_pence,
        idempotency_key,
    })
}

async fn create_refund(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(api_call(
        &shared,
        "/v1/refunds",
        &headers,
        &body,
        |shared, params, idempotency_key| match refund_from(shared, params, idempotency_key) {
            Ok(refund) => {
                let answer = json!({
                    "id": refund.id,
                    "object": "refund",
                    "amount": refund.amount_pence,
                    "currency": "gbp",
                    "payment_intent": refund.payment_intent,
                    "status": "succeeded",
                });
                shared.refunds.push(refund);
                (StatusCode::OK, answer)
            }
            Err(error) => error,
        },
    ))
}

/// The hosted page a session's `url` points at, so a test can follow the redirect.
async fn checkout_page(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path(id): Path<String>,
) -> Response {
    let shared = lock(&shared);
    match shared.checkouts.iter().find(|c| c.id == id) {
        Some(checkout) => Html(format!(
            "<!doctype html><title>Fake checkout</title><p>Pay {} pence for {}</p>",
            checkout.amount_pence,
            escape(&checkout.description)
        ))
        .into_response(),
        None => (StatusCode::NOT_FOUND, "no such checkout session").into_response(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn unknown_route() -> Response {
    respond(stripe_error(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        "Unrecognized request URL. The fake Stripe serves POST /v1/checkout/sessions and POST /v1/refunds.",
        None,
    ))
}
