//! Signing in through the real sign-in form (its CSRF token from the page and its cookie),
//! and a client that keeps the session's cookies for the pages that need them.

use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;

use crate::settings::Encoding;

/// A visitor: anonymous, or signed in with its cookies.
#[derive(Clone)]
pub struct Visitor {
    client: reqwest::Client,
    /// The `Cookie` header wrk sends, if signed in.
    pub cookie: Option<String>,
}

/// The first `value` of the `<input name="{name}" value="…">` in a page.
fn field(html: &str, name: &str) -> Option<String> {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

fn client(jar: Option<Arc<Jar>>) -> anyhow::Result<reqwest::Client> {
    let builder = reqwest::Client::builder().redirect(Policy::none());
    let builder = match jar {
        Some(jar) => builder.cookie_provider(jar),
        None => builder,
    };
    Ok(builder.build()?)
}

impl Visitor {
    pub fn anonymous() -> anyhow::Result<Visitor> {
        Ok(Visitor {
            client: client(None)?,
            cookie: None,
        })
    }

    /// GET /login, POST it back with the token, and expect the 303 of a signed-in visitor.
    pub async fn sign_in(base: &str, email: &str, password: &str) -> anyhow::Result<Visitor> {
        let jar = Arc::new(Jar::default());
        let client = client(Some(jar.clone()))?;
        let login = format!("{base}/login");
        let page = client.get(&login).send().await?;
        anyhow::ensure!(page.status() == 200, "GET /login: {}", page.status());
        let html = page.text().await?;
        let token = crate::support::csrf_field(&html)?;
        let next = field(&html, "next").unwrap_or_default();
        let answer = client
            .post(&login)
            .form(&[
                ("csrf_token", token.as_str()),
                ("next", next.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await?;
        anyhow::ensure!(
            answer.status() == 303,
            "signing in as {email} answered {} rather than a redirect",
            answer.status()
        );
        let url = reqwest::Url::parse(base)?;
        let cookie = jar
            .cookies(&url)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
            .filter(|c| c.contains("session"))
            .ok_or_else(|| anyhow::anyhow!("signing in as {email} set no session cookie"))?;
        Ok(Visitor {
            client,
            cookie: Some(cookie),
        })
    }

    /// The page's HTML; anything but a 200 is an error.
    pub async fn page(&self, base: &str, path: &str) -> anyhow::Result<String> {
        let response = self.client.get(format!("{base}{path}")).send().await?;
        anyhow::ensure!(response.status() == 200, "{path}: {}", response.status());
        Ok(response.text().await?)
    }

    /// The status of one GET as wrk will send it (redirects not followed).
    pub async fn status(&self, base: &str, path: &str, encoding: Encoding) -> anyhow::Result<u16> {
        let mut request = self.client.get(format!("{base}{path}"));
        if encoding == Encoding::Gzip {
            request = request.header("accept-encoding", "gzip");
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        response.bytes().await?;
        Ok(status)
    }
}
