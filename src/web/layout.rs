//! What every page's frame needs: title, description, navigation and asset links.

use super::assets;
use crate::auth::Viewer;
use crate::auth::viewer::CsrfToken;
use crate::paths;

/// The header navigation areas, for marking the current one with `aria-current`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Home,
    Courses,
    Reports,
    News,
    Account,
    Admin,
    Other,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub section: Section,
}

const PUBLIC_NAV: [NavLink; 3] = [
    NavLink {
        href: paths::courses(),
        label: "Courses",
        section: Section::Courses,
    },
    NavLink {
        href: paths::reports(),
        label: "Reports",
        section: Section::Reports,
    },
    NavLink {
        href: paths::news(),
        label: "News",
        section: Section::News,
    },
];
const SIGN_IN: NavLink = NavLink {
    href: paths::login(),
    label: "Sign in",
    section: Section::Account,
};
const ACCOUNT: NavLink = NavLink {
    href: paths::account(),
    label: "Your account",
    section: Section::Account,
};
const ADMIN: NavLink = NavLink {
    href: paths::admin(),
    label: "Admin",
    section: Section::Admin,
};

/// The frame around a page. Pages hold one and the base template reads it.
pub struct Layout {
    pub title: String,
    pub description: String,
    pub section: Section,
    /// Prefixes the title with "Error: " when the page shows form errors.
    pub has_errors: bool,
    pub signed_in: bool,
    pub is_admin: bool,
    /// For the sign-out button in the header, and every form on the page.
    csrf: CsrfToken,
    /// A notification banner after a redirect ("Your password has been changed").
    pub banner: Option<String>,
    /// The page's absolute address, for the canonical link and Open Graph.
    pub canonical: Option<String>,
    /// An Atom feed for the page's section: (title, absolute URL).
    pub feed: Option<(String, String)>,
    /// Open Graph: "article" for reports and posts, with their picture.
    pub og_type: &'static str,
    pub og_image: Option<String>,
}

impl Layout {
    pub fn new(
        title: impl Into<String>,
        description: impl Into<String>,
        section: Section,
        viewer: &Viewer,
    ) -> Self {
        Layout {
            title: title.into(),
            description: description.into(),
            section,
            has_errors: false,
            signed_in: viewer.user.is_some(),
            is_admin: viewer.is_admin(),
            csrf: viewer.csrf.clone(),
            banner: None,
            canonical: None,
            feed: None,
            og_type: "website",
            og_image: None,
        }
    }

    /// For pages rendered outside the viewer (error pages): the signed-out frame.
    pub fn anonymous(title: impl Into<String>, description: impl Into<String>) -> Self {
        Layout {
            title: title.into(),
            description: description.into(),
            section: Section::Other,
            has_errors: false,
            signed_in: false,
            is_admin: false,
            csrf: CsrfToken::default(),
            banner: None,
            canonical: None,
            feed: None,
            og_type: "website",
            og_image: None,
        }
    }

    /// The token for a form on this page (templates call it inside each form).
    pub fn csrf_token(&self) -> &str {
        self.csrf.for_form()
    }

    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.has_errors = has_errors;
        self
    }

    pub fn with_canonical(mut self, url: String) -> Self {
        self.canonical = Some(url);
        self
    }

    pub fn with_feed(mut self, title: &str, url: String) -> Self {
        self.feed = Some((title.to_owned(), url));
        self
    }

    /// Marks the page as an article, with its picture for link previews.
    pub fn as_article(mut self, image: Option<String>) -> Self {
        self.og_type = "article";
        self.og_image = image;
        self
    }

    pub fn with_banner(mut self, banner: Option<String>) -> Self {
        self.banner = banner;
        self
    }

    pub fn nav(&self) -> Vec<&'static NavLink> {
        let mut links: Vec<&'static NavLink> = PUBLIC_NAV.iter().collect();
        match (self.signed_in, self.is_admin) {
            (false, _) => links.push(&SIGN_IN),
            (true, false) => links.push(&ACCOUNT),
            (true, true) => links.extend([&ACCOUNT, &ADMIN]),
        }
        links
    }

    pub fn is_current(&self, link: &NavLink) -> bool {
        link.section == self.section
    }

    pub fn asset(&self, name: &str) -> String {
        assets::versioned_url(name)
    }
}
