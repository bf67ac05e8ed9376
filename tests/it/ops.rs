//! Operations endpoints and the server's lifecycle: health, readiness, metrics, shutdown.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use reqwest::StatusCode;
use tokio::sync::{mpsc, oneshot};

use crate::backend_tests;
use crate::support::{Backend, TestApp};

backend_tests! {
    async fn healthz_and_readyz_answer_when_all_is_well(backend) {
        let app = TestApp::spawn(backend).await;
        assert_eq!(app.get_text("/healthz").await, (StatusCode::OK, "ok\n".to_owned()));
        assert_eq!(app.get_text("/readyz").await, (StatusCode::OK, "ready\n".to_owned()));
        app.run_background_jobs().await;
        assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    }

    async fn readyz_fails_when_the_database_is_gone(backend) {
        let app = TestApp::spawn(backend).await;
        assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
        match backend {
            // An embedded database is lost when its connections are.
            Backend::Sqlite => app.state.db.close().await,
            Backend::Postgres => app.database.drop_now().await,
        }
        let (status, body) = app.get_text("/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.starts_with("not ready: database unreachable"), "{body}");
        assert_eq!(app.get("/healthz").await.status(), StatusCode::OK, "the process is still up");
    }

    async fn readyz_fails_while_migrations_are_missing(backend) {
        let app = TestApp::spawn(backend).await;
        let db = app.database.connect().await;
        academy::run_query!(write &db, |c| sqlx::query("delete from _sqlx_migrations").execute(c).await.map(|_| ()))
            .unwrap();
        let (status, body) = app.get_text("/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("not ready: migrations not applied"), "{body}");
    }

    async fn metrics_label_requests_by_route_pattern(backend) {
        let app = TestApp::spawn(backend).await;
        app.get("/").await;
        app.get("/static/app.css").await;
        app.get("/private-token-5f2c9a").await;
        let (status, body) = app.get_text("/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(r#"http_requests_total{method="GET",route="/",status="200"}"#), "{body}");
        assert!(body.contains(r#"route="/static/{*path}""#), "{body}");
        assert!(body.contains(r#"route="unmatched",status="404""#), "{body}");
        assert!(!body.contains("private-token-5f2c9a"), "raw paths never become labels");
        assert!(body.contains("http_request_duration_seconds_bucket"), "{body}");
        assert!(body.contains("db_pool_connections{pool="), "{body}");
    }

    async fn production_metrics_need_a_bearer_token(backend) {
        let production = crate::support::app::PRODUCTION;
        let app = TestApp::spawn_with(backend, production, Router::new()).await;
        assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND, "hidden without a token");

        let with_token = [production, &[("ACADEMY_METRICS_TOKEN", "scrape-token-0123456789")]].concat();
        let app = TestApp::spawn_with(backend, &with_token, Router::new()).await;
        assert_eq!(app.get("/metrics").await.status(), StatusCode::UNAUTHORIZED);
        let wrong = app.client.get(app.url("/metrics")).bearer_auth("scrape-token-0123456788").send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let right = app.client.get(app.url("/metrics")).bearer_auth("scrape-token-0123456789").send().await.unwrap();
        assert_eq!(right.status(), StatusCode::OK);
        assert!(right.text().await.unwrap().contains("http_requests_total"));
    }

    async fn graceful_shutdown_finishes_the_request_in_flight(backend) {
        let (entered_tx, mut entered) = mpsc::channel::<()>(1);
        let (release, released) = oneshot::channel::<()>();
        let released = std::sync::Arc::new(tokio::sync::Mutex::new(Some(released)));
        let slow = Router::new().route(
            "/test/in-flight",
            get(move || {
                let (entered_tx, released) = (entered_tx.clone(), released.clone());
                async move {
                    entered_tx.send(()).await.unwrap();
                    if let Some(released) = released.lock().await.take() {
                        let _ = released.await;
                    }
                    "finished"
                }
            }),
        );
        let mut app = TestApp::spawn_with(backend, &[], slow).await;
        let request = tokio::spawn(app.client.get(app.url("/test/in-flight")).send());
        entered.recv().await.expect("the handler started");

        let server = app.begin_shutdown();
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!server.is_finished(), "the server waits for the request in flight");
        let refused = crate::support::http_client().get(app.url("/healthz")).send().await;
        assert!(refused.is_err(), "no new connections once shutting down");

        release.send(()).unwrap();
        let response = request.await.unwrap().expect("the in-flight request completes");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.text().await.unwrap(), "finished");
        tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("the server stops once the request is done")
            .unwrap()
            .unwrap();
    }
}
