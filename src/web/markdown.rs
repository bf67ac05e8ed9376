//! Markdown written by admins, turned into HTML that is safe to put on a page.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown, then keeps only safe HTML (no scripts, event handlers, `javascript:` or
/// `data:` links, or styles), with external links opened safely.
pub fn to_safe_html(markdown: &str) -> String {
    let mut rendered = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut rendered, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
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
