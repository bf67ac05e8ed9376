//! Page numbers as people type them, and previous/next over a counted list (the links
//! `templates/partials/pagination.html` shows, with the list's filters kept).

use serde::Deserialize;

use crate::db::statement::Window;

pub const PAGE_SIZE: i64 = 25;

/// `?page=`: anything but a whole number from 1 means the first page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

impl PageQuery {
    pub fn number(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.trim().parse::<i64>().ok())
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1)
    }
}

/// Which page of a list of `total` items is shown; a page past the end shows the last.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    size: i64,
}

impl Pager {
    pub fn new(page: i64, total: i64) -> Pager {
        Pager::with_size(page, total, PAGE_SIZE)
    }

    pub fn with_size(page: i64, total: i64, size: i64) -> Pager {
        let pages = ((total + size - 1) / size).max(1);
        Pager {
            page: page.min(pages),
            pages,
            size,
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.size
    }

    pub fn size(&self) -> i64 {
        self.size
    }

    /// The rows this page shows, for the list's query.
    pub fn window(&self) -> Window {
        Window {
            limit: self.size,
            offset: self.offset(),
        }
    }

    /// Previous and next for the shared partial; `address(n)` is page `n` of this list.
    pub fn links(&self, address: impl Fn(i64) -> String) -> PageLinks {
        PageLinks {
            page: self.page,
            pages: self.pages,
            previous: (self.page > 1).then(|| address(self.page - 1)),
            next: (self.page < self.pages).then(|| address(self.page + 1)),
        }
    }
}

/// What `templates/partials/pagination.html` shows (the template names it `pagination`).
#[derive(Clone, Debug)]
pub struct PageLinks {
    pub page: i64,
    pub pages: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// `base?name=value&…&page=n`: a list's address with its filters (empty ones left out) and
/// the page (left out for the first).
pub fn page_address(base: &str, filters: &[(&str, &str)], page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    match query.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_page_numbers_fall_back_to_sensible_pages() {
        for raw in ["0", "-1", "abc", "", "99999999999999999999", "1.5"] {
            assert_eq!(
                PageQuery {
                    page: Some(raw.into())
                }
                .number(),
                1,
                "{raw:?}"
            );
        }
        assert_eq!(
            PageQuery {
                page: Some(" 3 ".into())
            }
            .number(),
            3
        );
        let pager = Pager::with_size(50, 21, 10);
        assert_eq!((pager.page, pager.pages, pager.offset()), (3, 3, 20));
        assert_eq!(Pager::new(1, 0).pages, 1);
    }

    #[test]
    fn links_keep_the_filters_and_stop_at_the_ends() {
        let address = |n| page_address("/admin/cohorts", &[("status", "open"), ("course", "")], n);
        let links = Pager::new(2, 60).links(address);
        assert_eq!(
            links.previous.as_deref(),
            Some("/admin/cohorts?status=open")
        );
        assert_eq!(
            links.next.as_deref(),
            Some("/admin/cohorts?status=open&page=3")
        );
        let last = Pager::new(9, 60).links(address);
        assert_eq!((last.page, last.next), (3, None));
        assert_eq!(
            page_address("/admin/users", &[("q", "a b&c")], 2),
            "/admin/users?q=a+b%26c&page=2"
        );
    }
}
