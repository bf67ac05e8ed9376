//! The emails Academy sends. Each has a folder in `emails/` with `subject.txt`, `body.txt`
//! and `body.html` over the shared `layout.txt` / `layout.html`.

use askama::Template;

/// What every email may link to: absolute URLs built from `ACADEMY_BASE_URL`.
pub struct Site {
    base_url: String,
    pub contact_email: String,
    /// The organisation that runs the courses and issues certificates (the supplier named
    /// on invoices, `ACADEMY_SUPPLIER_NAME`).
    pub provider: String,
}

impl Site {
    pub fn new(base_url: &url::Url, contact_email: &str) -> Self {
        Site {
            base_url: base_url.as_str().trim_end_matches('/').to_owned(),
            contact_email: contact_email.to_owned(),
            provider: "Academy".to_owned(),
        }
    }

    /// Names the organisation that issues certificates.
    pub fn with_provider(mut self, provider: &str) -> Self {
        provider.clone_into(&mut self.provider);
        self
    }

    /// The absolute URL of a site path such as `/login`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn host(&self) -> &str {
        let without_scheme = self.base_url.split("://").nth(1).unwrap_or(&self.base_url);
        without_scheme
            .split(['/', ':'])
            .next()
            .unwrap_or("academy.invalid")
    }
}

pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub trait OutgoingEmail {
    /// Names the email in the outbox and on the admin page.
    const KIND: &'static str;
    /// A mail with a sign-in or verification token is never shown in full to admins.
    const CARRIES_TOKEN: bool;
    fn render(&self, site: &Site) -> Result<RenderedEmail, askama::Error>;
}

/// Implements [`OutgoingEmail`] for a context struct from its three template files.
macro_rules! outgoing_email {
    ($ctx:ty, $kind:literal, token: $token:literal, $subject:literal, $text:literal, $html:literal) => {
        impl OutgoingEmail for $ctx {
            const KIND: &'static str = $kind;
            const CARRIES_TOKEN: bool = $token;
            fn render(&self, site: &Site) -> Result<RenderedEmail, askama::Error> {
                #[derive(Template)]
                #[template(path = $subject)]
                struct Subject<'a> {
                    #[allow(dead_code)] // some subjects are fixed text
                    m: &'a $ctx,
                }
                #[derive(Template)]
                #[template(path = $text)]
                struct Text<'a> {
                    m: &'a $ctx,
                    site: &'a Site,
                }
                #[derive(Template)]
                #[template(path = $html)]
                struct Html<'a> {
                    m: &'a $ctx,
                    site: &'a Site,
                }
                Ok(RenderedEmail {
                    subject: Subject { m: self }.render()?.trim().to_owned(),
                    text: Text { m: self, site }.render()?,
                    html: Html { m: self, site }.render()?,
                })
            }
        }
    };
}

pub(crate) use outgoing_email;

/// Confirms an address: after registration, or for a new address on an email change.
pub struct VerifyEmail {
    pub name: String,
    pub verify_url: String,
    pub changing_address: bool,
}
outgoing_email!(VerifyEmail, "verify_email", token: true,
    "verify_email/subject.txt", "verify_email/body.txt", "verify_email/body.html");

/// To the owner of an address someone tried to register again.
pub struct RegistrationAttempt {
    pub name: String,
    pub sign_in_url: String,
    pub reset_url: String,
}
outgoing_email!(RegistrationAttempt, "registration_attempt", token: false,
    "registration_attempt/subject.txt", "registration_attempt/body.txt", "registration_attempt/body.html");

pub struct PasswordReset {
    pub name: String,
    pub reset_url: String,
}
outgoing_email!(PasswordReset, "password_reset", token: true,
    "password_reset/subject.txt", "password_reset/body.txt", "password_reset/body.html");

pub struct PasswordChanged {
    pub name: String,
    pub reset_url: String,
}
outgoing_email!(PasswordChanged, "password_changed", token: false,
    "password_changed/subject.txt", "password_changed/body.txt", "password_changed/body.html");

/// To the old address when an account's email address changes.
pub struct EmailChanged {
    pub name: String,
    pub new_address: String,
}
outgoing_email!(EmailChanged, "email_changed", token: false,
    "email_changed/subject.txt", "email_changed/body.txt", "email_changed/body.html");

pub struct Welcome {
    pub name: String,
    pub nhs: bool,
    pub courses_url: String,
    pub account_url: String,
}
outgoing_email!(Welcome, "welcome", token: false,
    "welcome/subject.txt", "welcome/body.txt", "welcome/body.html");
