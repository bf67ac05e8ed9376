//! The web shell: pages, layout, error pages, security headers, static assets, limits.

use academy::error::AppError;
use axum::Router;
use axum::routing::get;
use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Routes that fail on purpose, to check what a person sees when something breaks.
fn failing_routes() -> Router<academy::state::AppState> {
    Router::new()
        .route(
            "/test/internal-error",
            get(|| async { Err::<(), _>(AppError::internal(anyhow::anyhow!("disk on fire"))) }),
        )
        .route(
            "/test/panic",
            get(|| async {
                if true {
                    panic!("handler bug")
                }
            }),
        )
        .route(
            "/test/slow",
            get(|| async { std::future::pending::<()>().await }),
        )
}

backend_tests! {
    async fn home_page_has_the_site_frame(backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.get("/").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(header(&response, "content-type").starts_with("text/html"));
        let html = response.text().await.unwrap();
        assert!(html.contains("<title>Learning from patient safety investigations – Academy</title>"));
        let skip = html.find("Skip to main content").expect("skip link");
        assert!(skip < html.find("<header").expect("header"), "the skip link comes first");
        assert!(html.contains(r#"<main id="main-content""#));
        assert!(html.contains(r#"<nav class="site-nav" aria-label="Main">"#));
        for (href, label) in [("/courses", "Courses"), ("/reports", "Reports"), ("/news", "News"), ("/login", "Sign in")] {
            assert!(html.contains(&format!(r#"href="{href}">{label}</a>"#)), "nav link {label}");
        }
        for footer in ["/accessibility", "/privacy", "/contact"] {
            assert!(html.contains(&format!(r#"<a href="{footer}">"#)), "footer link {footer}");
        }
        assert_eq!(html.matches("<h1").count(), 1, "one h1");
        for section in ["About us", "Investigations", "Education"] {
            assert!(html.contains(&format!(">{section}</h2>")), "{section} section");
        }
        assert!(html.contains(r#"<meta name="description""#));
        assert!(!html.contains("<script"), "no JavaScript needed");
    }

    async fn footer_pages_are_real_pages(backend) {
        let app = TestApp::spawn(backend).await;
        for (path, heading) in [
            ("/accessibility", "Accessibility statement"),
            ("/privacy", "Privacy notice"),
            ("/contact", "Contact us"),
        ] {
            let (status, html) = app.get_text(path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(html.contains(&format!("<h1>{heading}</h1>")), "{path}");
            assert!(html.contains("education@academy.example"), "{path} names the contact address");
        }
    }

    async fn unknown_pages_get_the_404_page(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ["/no/such/page", "/static/missing.css", "/static/%2e%2e/Cargo.toml", "/%00"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(header(&response, "content-type").starts_with("text/html"), "{path}");
            let html = response.text().await.unwrap();
            assert!(html.contains("<title>Page not found – Academy</title>"), "{path}: {html}");
            assert!(html.contains("Skip to main content"), "{path} uses the site frame");
        }
    }

    async fn wrong_method_gets_an_html_page_with_allow(backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.post_form("/", &[]).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert!(header(&response, "allow").contains("GET"));
        assert!(header(&response, "content-type").starts_with("text/html"));
    }

    async fn server_errors_show_the_500_page_with_the_request_id(backend) {
        let app = TestApp::spawn_with(backend, &[], failing_routes()).await;
        for path in ["/test/internal-error", "/test/panic"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            assert!(header(&response, "content-type").starts_with("text/html"), "{path}");
            let request_id = header(&response, "x-request-id").to_owned();
            assert_eq!(request_id.len(), 36, "{path}: a uuid request id");
            let html = response.text().await.unwrap();
            assert!(html.contains("Sorry, there is a problem with the service"), "{path}");
            assert!(html.contains(&request_id), "{path}: the page shows the request id");
            assert!(!html.contains("disk on fire") && !html.contains("handler bug"), "{path}: no internals");
        }
        // The server survives a panicking handler.
        assert_eq!(app.get("/").await.status(), StatusCode::OK);
    }

    async fn slow_requests_time_out_with_a_page(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_REQUEST_TIMEOUT_SECS", "1")], failing_routes()).await;
        let response = app.get("/test/slow").await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.text().await.unwrap().contains("Sorry, the service is unavailable"));
    }

    async fn oversized_bodies_are_refused_with_413(backend) {
        let app = TestApp::spawn_with(backend, &[("ACADEMY_MAX_BODY_BYTES", "4096")], Router::new()).await;
        let response = app.client.post(app.url("/contact")).body(vec![b'x'; 10_000]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert!(response.text().await.unwrap().contains("What you sent is too large"));
    }

    async fn security_headers_are_on_every_response(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ["/", "/no/such/page", "/healthz", "/static/app.css"] {
            let response = app.get(path).await;
            let csp = header(&response, "content-security-policy");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
            assert_eq!(header(&response, "referrer-policy"), "strict-origin-when-cross-origin", "{path}");
            assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
            assert!(response.headers().get("strict-transport-security").is_none(), "{path}: no HSTS in development");
        }
    }

    async fn production_adds_hsts(backend) {
        let app = TestApp::spawn_with(backend, crate::support::app::PRODUCTION, Router::new()).await;
        let response = app.get("/").await;
        assert_eq!(header(&response, "strict-transport-security"), "max-age=31536000; includeSubDomains");
    }

    async fn static_assets_are_versioned_cached_and_revalidated(backend) {
        let app = TestApp::spawn(backend).await;
        let (_, html) = app.get_text("/").await;
        let start = html.find("/static/app.css?v=").expect("versioned stylesheet link");
        let url = &html[start..start + html[start..].find('"').unwrap()];
        let response = app.get(url).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(header(&response, "content-type").starts_with("text/css"));
        assert_eq!(header(&response, "cache-control"), "public, max-age=31536000, immutable");
        let etag = header(&response, "etag").to_owned();
        assert!(etag.starts_with('"') && etag.len() > 4);
        assert!(response.text().await.unwrap().contains("--colour-focus: #ffeb3b"));

        let unversioned = app.get("/static/app.css").await;
        assert_eq!(header(&unversioned, "cache-control"), "public, max-age=0, must-revalidate");
        let stale = app.get("/static/app.css?v=0000").await;
        assert_eq!(header(&stale, "cache-control"), "public, max-age=0, must-revalidate");

        let revalidated = app.client.get(app.url(url)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
        assert!(revalidated.bytes().await.unwrap().is_empty());
    }

    async fn pages_are_compressed_for_clients_that_ask(backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.client.get(app.url("/")).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(header(&response, "content-encoding"), "gzip");
        let plain = app.get("/").await;
        assert!(plain.headers().get("content-encoding").is_none());
    }
}
