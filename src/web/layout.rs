//! What every page's frame needs: title, description, navigation and asset links.

use super::assets;

/// The header navigation areas, for marking the current one with `aria-current`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Home,
    Courses,
    Reports,
    News,
    Account,
    Other,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub section: Section,
}

const NAV: [NavLink; 4] = [
    NavLink {
        href: "/courses",
        label: "Courses",
        section: Section::Courses,
    },
    NavLink {
        href: "/reports",
        label: "Reports",
        section: Section::Reports,
    },
    NavLink {
        href: "/news",
        label: "News",
        section: Section::News,
    },
    NavLink {
        href: "/login",
        label: "Sign in",
        section: Section::Account,
    },
];

/// The frame around a page. Pages hold one and the base template reads it.
pub struct Layout {
    pub title: String,
    pub description: String,
    pub section: Section,
    /// Prefixes the title with "Error: " when the page shows form errors.
    pub has_errors: bool,
}

impl Layout {
    pub fn new(title: impl Into<String>, description: impl Into<String>, section: Section) -> Self {
        Layout {
            title: title.into(),
            description: description.into(),
            section,
            has_errors: false,
        }
    }

    pub fn nav(&self) -> &'static [NavLink] {
        &NAV
    }

    pub fn is_current(&self, link: &NavLink) -> bool {
        link.section == self.section
    }

    pub fn asset(&self, name: &str) -> String {
        assets::versioned_url(name)
    }
}
