//! Which pages are measured, found from the pages themselves: the stylesheet from the home
//! page, a course, report and news item from their lists, a search word from a course's
//! address, a filter from the catalogue's own options, the learner's place and certificate
//! from her dashboard, and the admin lists from the admin menu.

use crate::session::Visitor;

/// Who asks for a page, which decides the goal it is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// The static asset every figure is compared with.
    Static,
    Anonymous,
    Learner,
    Admin,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub name: String,
    pub path: String,
    pub who: Who,
}

/// The signed-in visitors the pages need.
pub struct Visitors {
    pub anonymous: Visitor,
    pub learner: Visitor,
    pub admin: Visitor,
}

impl Visitors {
    pub fn of(&self, who: Who) -> &Visitor {
        match who {
            Who::Static | Who::Anonymous => &self.anonymous,
            Who::Learner => &self.learner,
            Who::Admin => &self.admin,
        }
    }
}

/// Every `href="{prefix}…"` in a page, in order, without repeats.
fn links(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!(r#"href="{prefix}"#);
    let mut found: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&marker) {
        let from = start + r#"href=""#.len();
        let Some(len) = rest[from..].find('"') else {
            break;
        };
        let link = rest[from..from + len].replace("&amp;", "&");
        if !found.contains(&link) {
            found.push(link);
        }
        rest = &rest[from + len..];
    }
    found
}

/// The first link under `prefix` that is one more path segment (`/news/{slug}`, not a feed,
/// a `?` filter or a `#` fragment), where `keep` says yes.
fn first_item(html: &str, prefix: &str, keep: impl Fn(&str) -> bool) -> Option<String> {
    links(html, prefix).into_iter().find(|link| {
        let tail = &link[prefix.len()..];
        !tail.is_empty() && !tail.contains(['/', '?', '#', '.']) && keep(tail)
    })
}

fn need(found: Option<String>, what: &str) -> anyhow::Result<String> {
    found.ok_or_else(|| anyhow::anyhow!("found no {what} to measure"))
}

/// The first non-empty `<option value>` of the `<select name="{name}">` in a page.
fn first_option(html: &str, name: &str) -> Option<String> {
    let select = html.find(&format!(r#"name="{name}""#))?;
    let end = html[select..].find("</select>")? + select;
    links_like(&html[select..end], r#"<option value=""#)
        .into_iter()
        .find(|v| !v.is_empty())
}

fn links_like(html: &str, marker: &str) -> Vec<String> {
    html.split(marker)
        .skip(1)
        .filter_map(|part| part.split('"').next().map(str::to_owned))
        .collect()
}

/// The pages of one server, in the order they are measured.
pub async fn pages(base: &str, visitors: &Visitors) -> anyhow::Result<Vec<Page>> {
    let anonymous = &visitors.anonymous;
    let mut pages = Vec::new();
    let mut add = |name: &str, path: String, who: Who| {
        pages.push(Page {
            name: name.to_owned(),
            path,
            who,
        })
    };

    let home = anonymous.page(base, "/").await?;
    let asset = need(
        links(&home, "/static/")
            .into_iter()
            .find(|l| l.contains(".css")),
        "stylesheet under /static/ on the home page",
    )?;
    add("static asset", asset, Who::Static);
    add("home", "/".into(), Who::Anonymous);
    let catalogue = anonymous.page(base, "/courses").await?;
    add("catalogue", "/courses".into(), Who::Anonymous);
    let course = need(first_item(&catalogue, "/courses/", |_| true), "course")?;
    let word = course
        .trim_start_matches("/courses/")
        .split('-')
        .max_by_key(|w| w.len())
        .unwrap_or("safety")
        .to_owned();
    add(
        "catalogue search",
        format!("/courses?q={word}"),
        Who::Anonymous,
    );
    let level = need(
        first_option(&catalogue, "level"),
        "level filter in the catalogue",
    )?;
    add(
        "catalogue filter",
        format!("/courses?level={level}"),
        Who::Anonymous,
    );
    add("course page", course.clone(), Who::Anonymous);
    for (list_name, list, item_name) in [
        ("reports", "/reports", "report page"),
        ("news", "/news", "news item"),
    ] {
        let html = anonymous.page(base, list).await?;
        add(list_name, list.into(), Who::Anonymous);
        let item = need(first_item(&html, &format!("{list}/"), |_| true), item_name)?;
        add(item_name, item, Who::Anonymous);
    }
    add("sitemap", "/sitemap.xml".into(), Who::Anonymous);

    let dashboard = visitors.learner.page(base, "/dashboard").await?;
    let certificate = need(
        links(&dashboard, "/certificates/")
            .into_iter()
            .find_map(|l| l.strip_suffix("/pdf").map(str::to_owned)),
        "certificate on the demo learner's dashboard",
    )?;
    add("certificate check", certificate, Who::Anonymous);
    add("dashboard", "/dashboard".into(), Who::Learner);
    add("course page (signed in)", course, Who::Learner);
    add(
        "place (enrolment page)",
        need(
            first_item(&dashboard, "/enrolments/", |_| true),
            "place on the dashboard",
        )?,
        Who::Learner,
    );
    add("CPD record", "/cpd".into(), Who::Learner);
    add("account", "/account".into(), Who::Learner);

    let admin = visitors.admin.page(base, "/admin").await?;
    add("admin home", "/admin".into(), Who::Admin);
    // The admin menu: every list, and the home blocks' form.
    for list in links(&admin, "/admin/") {
        let tail = &list["/admin/".len()..];
        if !tail.is_empty() && !tail.contains(['/', '?', '#', '.']) {
            add(&format!("admin: {tail}"), list.clone(), Who::Admin);
        }
    }
    let cohorts = visitors.admin.page(base, "/admin/cohorts").await?;
    add(
        "admin: cohort roster",
        need(
            first_item(&cohorts, "/admin/cohorts/", |id| id.parse::<u64>().is_ok()),
            "cohort in /admin/cohorts",
        )?,
        Who::Admin,
    );
    Ok(pages)
}
