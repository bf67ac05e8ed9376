//! Page numbers as people type them, and previous/next over a counted list, or over one too
//! long to count on every page (the links `templates/partials/pagination.html` shows, with
//! the list's filters kept).

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
            pages: Some(self.pages),
            previous: (self.page > 1).then(|| address(self.page - 1)),
            next: (self.page < self.pages).then(|| address(self.page + 1)),
        }
    }
}

/// A page of a list that is not counted (counting every row on every page would slow it
/// as it grows): the query reads one row more than the page shows, and that row says
/// whether there is a next page.
pub struct Uncounted {
    page: i64,
    size: i64,
}

impl Uncounted {
    pub fn new(page: i64) -> Uncounted {
        Uncounted {
            page,
            size: PAGE_SIZE,
        }
    }

    /// The page's rows and one more.
    pub fn window(&self) -> Window {
        Window {
            limit: self.size + 1,
            offset: (self.page - 1) * self.size,
        }
    }

    /// Drops the extra row from `rows` (what [`window`](Self::window) read) and links to
    /// the previous page and, if that row was there, the next; `address(n)` is page `n`.
    pub fn links<T>(&self, rows: &mut Vec<T>, address: impl Fn(i64) -> String) -> PageLinks {
        let more = rows.len() as i64 > self.size;
        rows.truncate(self.size as usize);
        PageLinks {
            page: self.page,
            pages: None,
            previous: (self.page > 1).then(|| address(self.page - 1)),
            next: more.then(|| address(self.page + 1)),
        }
    }
}

/// What `templates/partials/pagination.html` shows (the template names it `pagination`).
#[derive(Clone, Debug)]
pub struct PageLinks {
    pub page: i64,
    /// `None` for an uncounted list.
    pub pages: Option<i64>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl PageLinks {
    /// A list that is all on one page: no links.
    pub fn one() -> PageLinks {
        PageLinks {
            page: 1,
            pages: Some(1),
            previous: None,
            next: None,
        }
    }
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
    fn an_uncounted_list_links_to_a_next_page_only_when_a_row_is_left_over() {
        let address = |n| page_address("/admin/certificates", &[("q", "")], n);
        let page = Uncounted::new(2);
        assert_eq!(
            (page.window().limit, page.window().offset),
            (PAGE_SIZE + 1, PAGE_SIZE)
        );
        let mut rows: Vec<i64> = (0..=PAGE_SIZE).collect();
        let links = page.links(&mut rows, address);
        assert_eq!(rows.len() as i64, PAGE_SIZE, "the extra row is not shown");
        assert_eq!(links.previous.as_deref(), Some("/admin/certificates"));
        assert_eq!(links.next.as_deref(), Some("/admin/certificates?page=3"));
        assert_eq!(links.pages, None);
        let mut last: Vec<i64> = (0..PAGE_SIZE).collect();
        let links = page.links(&mut last, address);
        assert_eq!((last.len() as i64, links.next), (PAGE_SIZE, None));
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
