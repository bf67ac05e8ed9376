//! Page numbers as people type them, and previous/next over a counted list.

use serde::Deserialize;

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
}
