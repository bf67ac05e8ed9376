//! Markdown written by admins, turned into HTML that is safe to put on a page.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Renders Markdown, then keeps only safe HTML (no scripts, event handlers, `javascript:` or
/// `data:` links, or styles), with external links opened safely. The page has its own h1,
/// so a `#` heading becomes an h2 and an `<h1>` typed as HTML loses its tag.
pub fn to_safe_html(markdown: &str) -> String {
    render(markdown, HeadingLevel::H2)
}

/// [`to_safe_html`] for text shown under a page's h2 (a cohort's note among its materials):
/// its headings start at h3 (`#` and `##` alike), `###` is h4 and so on, and `<h1>` or
/// `<h2>` typed as HTML lose their tags, so the page's outline stays in order.
pub fn to_safe_html_under_h2(markdown: &str) -> String {
    render(markdown, HeadingLevel::H3)
}

/// Every heading at `top` or below, keeping their order (a `#` at `top`, `##` one below
/// it for `top` h2, or also at `top` for h3, …).
fn render(markdown: &str, top: HeadingLevel) -> String {
    let shift = top as usize - HeadingLevel::H2 as usize;
    let demote = |level: HeadingLevel| {
        let wanted = (level as usize + shift).max(top as usize);
        HeadingLevel::try_from(wanted.min(6)).unwrap_or(HeadingLevel::H6)
    };
    let mut rendered = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    html::push_html(&mut rendered, events);
    let above: &[&str] = match top {
        HeadingLevel::H2 => &["h1"],
        _ => &["h1", "h2"],
    };
    ammonia::Builder::default()
        .rm_tags(above.iter().copied())
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&rendered)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_under_an_h2_starts_its_headings_at_h3() {
        let html = to_safe_html_under_h2("# One\n\n## Two\n\n### Three\n\n<h2>Typed</h2>");
        assert!(
            html.contains("<h3>One</h3>")
                && html.contains("<h3>Two</h3>")
                && html.contains("<h4>Three</h4>"),
            "{html}"
        );
        assert!(!html.contains("<h2") && !html.contains("<h1"), "{html}");
        let page = to_safe_html("# One\n\n## Two\n\n### Three");
        assert!(
            page.contains("<h2>One</h2>")
                && page.contains("<h2>Two</h2>")
                && page.contains("<h3>Three</h3>"),
            "pages keep their headings: {page}"
        );
    }

    #[test]
    fn formatting_survives_and_hostile_markup_does_not() {
        let html = to_safe_html("## Aims\n\n*Learn* [more](https://example.org)\n\n- one\n- two");
        assert!(
            html.contains("<h2>Aims</h2>")
                && html.contains("<em>Learn</em>")
                && html.contains("<li>one</li>")
        );
        assert!(html.contains(r#"rel="noopener noreferrer""#));
        let headings = to_safe_html("# Big\n\n<h1>Typed</h1>\n\n### Small");
        assert!(
            !headings.contains("<h1")
                && headings.contains("<h2>Big</h2>")
                && headings.contains("<h3>Small</h3>"),
            "the page keeps its one h1: {headings}"
        );
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[data](data:text/html;base64,PHNjcmlwdD4=)",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
        ] {
            let html = to_safe_html(hostile).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "data:",
                "<iframe",
                "style=",
            ] {
                assert!(!html.contains(bad), "{hostile} left {bad}: {html}");
            }
        }
    }
}
