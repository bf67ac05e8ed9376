//! Cache headers on both databases: every GET route (read off the source) served to a
//! signed-in admin or learner says `no-store`, pages vary by cookie for everyone, and
//! static assets keep their year-long cache.

use reqwest::StatusCode;

use crate::backend_tests;
use crate::support::TestApp;
use crate::support::enrolment::add_cohort;
use crate::support::routes::{self, Site};

/// Mounted without the viewer: the same bytes for everyone, cached by their own rules
/// (`shell.rs` and `content.rs` test those), or operations endpoints.
const NOT_PERSONAL: &[&str] = &[
    "/static/{*path}",
    "/uploads/{id}",
    "/healthz",
    "/readyz",
    "/metrics",
];

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn varies_by_cookie(response: &reqwest::Response) -> bool {
    header(response, "vary")
        .split(',')
        .any(|v| v.trim().eq_ignore_ascii_case("cookie"))
}

backend_tests! {
    async fn every_page_and_download_for_a_signed_in_viewer_is_no_store(backend) {
        let app = TestApp::spawn(backend).await;
        let site = Site::build(&app).await;
        let all = routes::all();
        for path in NOT_PERSONAL {
            assert!(all.iter().any(|r| r.path == *path), "{path} is still a route");
        }
        let pages: Vec<String> = all
            .iter()
            .filter(|r| r.methods.iter().any(|m| m == "get") && !NOT_PERSONAL.contains(&r.path.as_str()))
            .map(|r| r.path.clone())
            .collect();
        assert!(pages.len() > 50, "{pages:?}");
        for path in ["/account", "/dashboard", "/enrolments/{id}", "/cohorts/{id}/enrol", "/admin", "/admin/users", "/admin/courses/{id}/edit", "/admin/cohorts/{id}/roster.csv", "/account/data", "/enrolments/{id}/documents/{kind}", "/admin/uploads"] {
            assert!(pages.iter().any(|p| p == path), "{path} is walked");
        }

        let mut shown = 0;
        for path in &pages {
            let address = site.fill(path);
            for (who, browser) in [("admin", &site.admin), ("learner", &site.learner)] {
                let response = browser.get(&address).await;
                let status = response.status();
                assert!(!status.is_server_error(), "{who} {address}: {status}");
                assert!(header(&response, "cache-control").contains("no-store"), "{who} {address} ({status}): cache-control {:?}", header(&response, "cache-control"));
                assert!(varies_by_cookie(&response), "{who} {address}: vary {:?}", header(&response, "vary"));
                // The walk reaches real pages: every admin page for the admin, and the
                // learner's own account, places and documents for the learner.
                let theirs = match who {
                    "admin" => path.starts_with("/admin"),
                    _ => path.starts_with("/account") && path != "/account/deleted" || path.starts_with("/enrolments") && !path.contains("offer") || path == "/dashboard",
                };
                if theirs {
                    assert_eq!(status, StatusCode::OK, "{who} {address}");
                    shown += 1;
                }
            }
        }
        assert!(shown > 30, "{shown} pages shown");
        // The learner has a place in the site's cohort; the enrol form is another's.
        let autumn = add_cohort(&app, site.course, "Autumn", 10).await;
        let form = site.learner.get(&format!("/cohorts/{autumn}/enrol")).await;
        assert_eq!(form.status(), StatusCode::OK);
        assert_eq!(header(&form, "cache-control"), "no-store");

        // An anonymous visitor's public pages vary by cookie and stay cacheable.
        let anonymous = app.another_browser();
        for path in ["/", "/courses", "/login", &format!("/courses/{}", site.course_slug)] {
            let response = anonymous.get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert!(varies_by_cookie(&response), "{path}: vary {:?}", header(&response, "vary"));
            assert!(!header(&response, "cache-control").contains("no-store"), "{path}");
        }

        // Static assets keep their long cache, for a signed-in viewer too.
        let (_, home) = site.admin.get_text("/").await;
        let start = home.find("/static/").expect("a stylesheet on the page");
        let asset = &home[start..start + home[start..].find('"').unwrap()];
        let response = site.admin.get(asset).await;
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert_eq!(header(&response, "cache-control"), "public, max-age=31536000, immutable");
    }
}
