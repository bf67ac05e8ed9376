//! Markdown written by admins, turned into HTML that is safe to put on a page.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Renders Markdown, then keeps only safe HTML (no scripts, event handlers, `javascript:` or
/// `data:` links, or styles), with external links opened safely. The page has its own h1,
/// so a `#` heading becomes an h2 and an `<h1>` typed as HTML loses its tag.
pub fn to_safe_html(markdown: &str) -> String {
    let mut rendered = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
            Event::End(TagEnd::Heading(HeadingLevel::H2))
        }
        other => other,
    });
    html::push_html(&mut rendered, events);
    ammonia::Builder::default()
        .rm_tags(["h1"])
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&rendered)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
