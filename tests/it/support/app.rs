//! `TestApp`: the real router and server on port 0, with a movable clock and a cookie jar.

use std::collections::HashMap;
use std::net::SocketAddr;

use academy::app;
use academy::clock::Clock;
use academy::config::Config;
use academy::db::Backend;
use academy::state::AppState;
use axum::Router;
use chrono::{TimeZone, Utc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::TestDatabase;

/// One browser: its own cookie jar, redirects not followed.
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    base: String,
}

pub struct TestApp {
    pub address: SocketAddr,
    browser: Browser,
    pub state: AppState,
    shutdown: CancellationToken,
    server: Option<JoinHandle<std::io::Result<()>>>,
    _data_dir: tempfile::TempDir,
    pub database: TestDatabase,
}

/// Production requires SMTP; tests that only need its presence get this address, and the
/// in-memory mailer all the same.
const PLACEHOLDER_SMTP: &str = "smtp://127.0.0.1:9";

/// A production configuration (with hashing at the production minimum, which these tests
/// never exercise).
pub const PRODUCTION: &[(&str, &str)] = &[
    ("ACADEMY_SMTP_URL", PLACEHOLDER_SMTP),
    ("ACADEMY_ENV", "production"),
    ("ACADEMY_BASE_URL", "https://academy.example"),
    ("ACADEMY_ARGON2_MEMORY_KIB", "19456"),
    ("ACADEMY_ARGON2_ITERATIONS", "2"),
    (
        "ACADEMY_SUPPLIER_NAME",
        "Health Services Safety Investigations Body",
    ),
    ("ACADEMY_SUPPLIER_ADDRESS", "1 Example Street\\nLondon"),
];

/// Trusts the test client's own address as a proxy, so each browser from
/// [`TestApp::browser_from`] counts as the client address its `X-Forwarded-For` names.
pub const BEHIND_PROXY: &[(&str, &str)] = &[("ACADEMY_TRUSTED_PROXIES", "127.0.0.1/32")];

/// Settings every test app starts from; tests override single values.
pub(super) fn base_settings(
    database: &TestDatabase,
    data_dir: &std::path::Path,
    address: SocketAddr,
) -> HashMap<String, String> {
    [
        ("DATABASE_URL", database.url().to_owned()),
        ("ACADEMY_BIND", address.to_string()),
        ("ACADEMY_BASE_URL", format!("http://{address}")),
        (
            "ACADEMY_SECRET",
            "test-secret-test-secret-test-secret-0000".to_owned(),
        ),
        ("ACADEMY_DATA_DIR", data_dir.display().to_string()),
        // Cheap hashing: tests exercise the flow, not the cost.
        ("ACADEMY_ARGON2_MEMORY_KIB", "64".to_owned()),
        ("ACADEMY_ARGON2_ITERATIONS", "1".to_owned()),
        // Pool size × parallel tests stays far below PostgreSQL's 100 connections.
        ("ACADEMY_DB_MAX_CONNECTIONS", "4".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

impl TestApp {
    /// After the test wrote to the database on its own connection (as another process would):
    /// the published content's each-second check, now.
    pub async fn notice_outside_writes(&self) {
        self.state
            .published
            .recheck()
            .await
            .expect("re-read the published content");
    }

    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, &[], Router::new()).await
    }

    /// Spawns with extra settings and extra routes (which get the site's layers).
    pub async fn spawn_with(
        backend: Backend,
        settings: &[(&str, &str)],
        extra: Router<AppState>,
    ) -> TestApp {
        let database = TestDatabase::create(backend).await;
        let data_dir = tempfile::tempdir().expect("temp dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("local address");
        let mut vars = base_settings(&database, data_dir.path(), address);
        for (name, value) in settings {
            vars.insert((*name).to_owned(), (*value).to_owned());
        }
        let config = Config::from_map(&vars).expect("test configuration is valid");
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap());
        let mut state = AppState::start(config, clock).await.expect("app starts");
        if vars
            .get("ACADEMY_SMTP_URL")
            .is_none_or(|url| url == PLACEHOLDER_SMTP)
        {
            state = state.with(|h| h.mailer = academy::email::Mailer::memory());
        }
        let shutdown = CancellationToken::new();
        let router = app::router_with(state.clone(), extra);
        let server = tokio::spawn(app::serve(
            listener,
            router,
            shutdown.clone().cancelled_owned(),
        ));
        TestApp {
            address,
            browser: Browser::new(address),
            state,
            shutdown,
            server: Some(server),
            _data_dir: data_dir,
            database,
        }
    }

    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// Runs every background job now instead of waiting for its timer.
    pub async fn run_background_jobs(&self) {
        academy::jobs::run_all_now(&self.state)
            .await
            .expect("background jobs");
    }

    /// Another browser on the same app, with its own cookies.
    pub fn another_browser(&self) -> Browser {
        Browser::new(self.address)
    }

    /// Another browser whose requests come through the proxy from `client` (an app spawned
    /// with [`BEHIND_PROXY`] believes it), carrying `cookies` (`name=value`) from the start.
    pub fn browser_from(&self, client: &str, cookies: &[&str]) -> Browser {
        Browser::behind_proxy(self.address, client, cookies)
    }

    /// Mail the in-memory mailer accepted (after `run_background_jobs`).
    pub fn sent_emails(&self) -> Vec<academy::email::mailer::SentMail> {
        self.state.mailer.sent()
    }

    /// Starts a graceful shutdown and returns the server task to await.
    pub fn begin_shutdown(&mut self) -> JoinHandle<std::io::Result<()>> {
        self.shutdown.cancel();
        self.server.take().expect("server still running")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl std::ops::Deref for TestApp {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

impl Browser {
    pub fn new(address: SocketAddr) -> Browser {
        super::install_crypto_provider();
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser {
            client,
            base: format!("http://{address}"),
        }
    }

    /// A browser whose requests say they were forwarded for `client`, with `cookies` set.
    pub fn behind_proxy(address: SocketAddr, client: &str, cookies: &[&str]) -> Browser {
        super::install_crypto_provider();
        let base = format!("http://{address}");
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let url: reqwest::Url = base.parse().expect("base URL");
        for cookie in cookies {
            jar.add_cookie_str(cookie, &url);
        }
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", client.parse().expect("a header value"));
        let client = reqwest::Client::builder()
            .cookie_provider(jar)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser { client, base }
    }

    /// The same browser, with the same cookies, talking to the app at `address` (cookies
    /// do not depend on the port).
    pub fn on(&self, address: SocketAddr) -> Browser {
        Browser {
            client: self.client.clone(),
            base: format!("http://{address}"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    #[allow(dead_code)] // time-dependent flows (tokens, holds, offers) arrive with later issues
    /// The CSRF token the forms of `path` carry for this client (its cookies decide which).
    pub async fn csrf_token_from(&self, path: &str) -> String {
        let (_, html) = self.get_text(path).await;
        let marker = r#"name="csrf_token" value=""#;
        let start = html
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field on {path}"))
            + marker.len();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    }

    /// Posts a form with this client's CSRF token (taken from the sign-in page, or from
    /// `/account` once signed in).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf_token().await;
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("csrf_token", &token));
        self.client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .expect("request")
    }

    /// The CSRF token for this client's next form.
    pub async fn csrf_token(&self) -> String {
        let account = self.get("/account").await;
        let page = if account.status() == reqwest::StatusCode::OK {
            "/account"
        } else {
            "/login"
        };
        self.csrf_token_from(page).await
    }
}
