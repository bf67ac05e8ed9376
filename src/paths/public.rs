//! Public pages: the home page, information pages, the sitemap and static assets.

pub fn home() -> &'static str {
    "/"
}

pub fn contact() -> &'static str {
    "/contact"
}

pub fn privacy() -> &'static str {
    "/privacy"
}

pub fn accessibility() -> &'static str {
    "/accessibility"
}

pub fn sitemap() -> &'static str {
    "/sitemap.xml"
}

pub fn asset(name: &str) -> String {
    format!("/static/{name}")
}
