//! Public pages: the home page, information pages, the sitemap and static assets.

pub const fn home() -> &'static str {
    "/"
}

pub const fn contact() -> &'static str {
    "/contact"
}

pub const fn privacy() -> &'static str {
    "/privacy"
}

pub const fn accessibility() -> &'static str {
    "/accessibility"
}

pub const fn sitemap() -> &'static str {
    "/sitemap.xml"
}

/// One page of a sitemap split because it lists too many addresses (from 1).
pub fn sitemap_page(number: usize) -> String {
    format!("/sitemap/{number}.xml")
}

pub fn asset(name: &str) -> String {
    format!("/static/{name}")
}
