//! Compression on both databases: what every visitor gets alike (an anonymous page without
//! a form, a static asset, the sitemap) is sent gzipped from a kept copy that always matches
//! the page as it is now; a page with a form's token or for a signed-in viewer is
//! compressed for that visitor alone.

use std::io::Read;

use academy::db::users::Role;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::enrolment::{add_cohort, add_course};

struct Gzipped {
    body: String,
    headers: reqwest::header::HeaderMap,
    raw: Vec<u8>,
}

async fn get_gzipped(client: &reqwest::Client, url: &str) -> Gzipped {
    let response = client
        .get(url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{url}");
    let headers = response.headers().clone();
    assert_eq!(headers["content-encoding"], "gzip", "{url}");
    let raw = response.bytes().await.unwrap().to_vec();
    let mut body = String::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_string(&mut body)
        .unwrap();
    Gzipped { body, headers, raw }
}

fn varies_by(headers: &reqwest::header::HeaderMap, name: &str) -> bool {
    headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .any(|v| v.trim().eq_ignore_ascii_case(name))
}

backend_tests! {
    async fn pages_alike_for_everyone_are_sent_from_a_kept_gzip_that_matches_the_page(backend) {
        let app = TestApp::spawn(backend).await;
        let course = add_course(&app, "Learning from patient safety events").await;
        add_cohort(&app, course, "June 2026 cohort", 12).await;
        let css = app.get_text("/").await.1;
        let css = css.split("href=\"/static/").nth(1).unwrap().split('"').next().unwrap().to_owned();
        for path in ["/", "/courses", "/reports", "/news", "/sitemap.xml", &format!("/static/{css}")] {
            let plain = app.get_text(path).await.1;
            let first = get_gzipped(&app.client, &app.url(path)).await;
            let again = get_gzipped(&app.another_browser().client, &app.url(path)).await;
            assert_eq!(first.body, plain, "{path}: the gzip is the page");
            assert_eq!(first.raw, again.raw, "{path}");
            assert!(varies_by(&first.headers, "accept-encoding"), "{path}");
            assert!(!first.headers.contains_key("set-cookie"), "{path}");
        }
        assert!(varies_by(&get_gzipped(&app.client, &app.url("/courses")).await.headers, "cookie"));

        // An edit shows at once: only identical bytes share a kept copy.
        let mut tx = app.state.db.begin().await.unwrap();
        academy::run_query!(tx &mut tx, |c| sqlx::query("update courses set title = 'Learning from events, revised' where course_id = $1").bind(course).execute(c).await.map(|_| ())).unwrap();
        tx.commit().await.unwrap();
        let after = get_gzipped(&app.client, &app.url("/courses")).await;
        assert!(after.body.contains("Learning from events, revised"), "{}", after.body);
        assert_eq!(after.body, app.get_text("/courses").await.1);
    }

    async fn a_page_with_a_form_or_for_someone_signed_in_is_compressed_for_them_alone(backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.another_browser();
        let second = app.another_browser();
        let one = get_gzipped(&first.client, &first.url("/login")).await;
        let two = get_gzipped(&second.client, &second.url("/login")).await;
        let token = |page: &str| page.split("name=\"csrf_token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        assert_ne!(token(&one.body), token(&two.body), "each visitor has their own token");
        assert!(one.headers.contains_key("set-cookie") && two.headers.contains_key("set-cookie"));
        // Each token is the one that visitor's form is checked against.
        assert_eq!(token(&one.body), first.csrf_token_from("/login").await);

        let nurse = app.another_browser();
        app.create_user("nurse@nhs.net", Role::Learner, true).await;
        let signed_in = nurse.sign_in("nurse@nhs.net", crate::support::accounts::PASSWORD).await;
        assert_eq!(signed_in.status(), reqwest::StatusCode::SEE_OTHER);
        let account = get_gzipped(&nurse.client, &nurse.url("/account")).await;
        assert!(account.body.contains("nurse@nhs.net"), "{}", account.body);
        assert_eq!(account.headers["cache-control"], "no-store");
    }
}
