//! Saving the home page's text blocks (introduction, About us, Investigations, Education),
//! all at once, audited as `home_page_updated`. An emptied block disappears from the page.

use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_admin;
use crate::db::home::{self, HomeBlock};

/// The blocks in page order, with their names for people.
pub const BLOCKS: [(&str, &str); 4] = [
    ("introduction", "Introduction"),
    ("about", "About us"),
    ("investigations", "Investigations"),
    ("education", "Education"),
];

/// Why the blocks were not saved.
#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("the home page has no block called {0:?}")]
    UnknownBlock(String),
    #[error("the {0} block links somewhere a home page link may not go")]
    UnsafeLink(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A link may go to a page of this site ("/courses") or to another https site; otherwise
/// the reason, for the person typing it.
pub fn link_problem(href: &str) -> Option<&'static str> {
    let local = href.starts_with('/') && !href.starts_with("//") && !href.contains('\\');
    let external = url::Url::parse(href).is_ok_and(|u| u.scheme() == "https");
    (!local && !external)
        .then_some("Enter a page of this site, like /courses, or an address starting https://")
}

/// Saves every block given (text already checked), in one transaction.
pub async fn save(
    ctx: Ctx<'_>,
    admin: i64,
    client: &str,
    blocks: &[HomeBlock],
) -> Result<(), HomeError> {
    for block in blocks {
        if !BLOCKS.iter().any(|(name, _)| *name == block.block) {
            return Err(HomeError::UnknownBlock(block.block.clone()));
        }
        if !block.link_href.is_empty() && link_problem(&block.link_href).is_some() {
            return Err(HomeError::UnsafeLink(block.block.clone()));
        }
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    for block in blocks {
        home::save(&mut tx, block, now).await?;
    }
    audit_admin(&mut tx, admin, None, "home_page_updated", "", client, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::link_problem;

    #[test]
    fn links_go_to_this_site_or_to_https() {
        for fine in ["/courses", "/reports?topic=x", "https://example.org/a"] {
            assert_eq!(link_problem(fine), None, "{fine}");
        }
        for refused in [
            "javascript:alert(1)",
            "//evil.example",
            "/\\evil.example",
            "http://example.org",
            "data:text/html,x",
            "courses",
        ] {
            assert!(link_problem(refused).is_some(), "{refused}");
        }
    }
}
