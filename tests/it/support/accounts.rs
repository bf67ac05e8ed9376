//! Helpers for account tests: reading links from mail, registering, signing in.

use academy::db::users::{self, LearnerType, NewUser, Role};
use academy::domain::email::Email;
use academy::email::mailer::SentMail;

use super::TestApp;
use super::app::Browser;

pub const PASSWORD: &str = "kettle orbit maple tundra";

/// The plain-text part of a mail, quoted-printable decoded.
pub fn text_of(mail: &SentMail) -> String {
    let raw = &mail.raw;
    let start = raw.find("Content-Type: text/plain").expect("a text part");
    let body_start = start + raw[start..].find("\r\n\r\n").expect("part headers end") + 4;
    let body_end = body_start
        + raw[body_start..]
            .find("\r\n--")
            .unwrap_or(raw.len() - body_start);
    decode_quoted_printable(&raw[body_start..body_end])
}

fn decode_quoted_printable(encoded: &str) -> String {
    let joined = encoded.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            ) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The subject, with folded header lines joined again.
pub fn subject_of(mail: &SentMail) -> String {
    let mut lines = mail.raw.lines().skip_while(|l| !l.starts_with("Subject: "));
    let Some(first) = lines.next() else {
        return String::new();
    };
    let mut subject = first["Subject: ".len()..].to_owned();
    for continuation in lines.take_while(|l| l.starts_with([' ', '\t'])) {
        subject.push(' ');
        subject.push_str(continuation.trim_start());
    }
    subject
}

impl TestApp {
    /// The subjects of every mail sent so far to `to`, oldest first.
    pub fn subjects_to(&self, to: &str) -> Vec<String> {
        self.sent_emails()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .map(subject_of)
            .collect()
    }

    /// Answers waiting forgot-password requests and delivers queued mail, then returns
    /// what was sent to `to`.
    pub async fn mails_to(&self, to: &str) -> Vec<SentMail> {
        academy::accounts::link_requests::answer_requests(self.state.ctx())
            .await
            .expect("reset requests");
        academy::email::outbox::deliver_due(&self.state.outbox())
            .await
            .expect("delivery");
        self.sent_emails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect()
    }

    /// The site path of the last link starting with `prefix` mailed to `to`.
    pub async fn link_mailed_to(&self, to: &str, prefix: &str) -> String {
        let mails = self.mails_to(to).await;
        let base = format!("http://{}", self.address);
        mails
            .iter()
            .rev()
            .find_map(|mail| {
                let text = text_of(mail);
                let at = text.find(&format!("{base}{prefix}"))?;
                let link = text[at + base.len()..].split_whitespace().next()?;
                Some(link.to_owned())
            })
            .unwrap_or_else(|| panic!("no {prefix} link mailed to {to}"))
    }

    /// Opens the verification link mailed to `email` and confirms it.
    pub async fn verify_mailed_link(&self, email: &str) -> reqwest::Response {
        let path = self.link_mailed_to(email, "/verify-email/").await;
        let token = self.csrf_token_from(&path).await;
        self.client
            .post(self.url(&path))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap()
    }

    /// An account made directly in the database (verified unless told otherwise).
    pub async fn create_user(&self, email: &str, role: Role, verified: bool) -> i64 {
        let email = Email::parse(email).unwrap();
        let hash = self.state.passwords.hash(PASSWORD).await.unwrap();
        let (learner_type, reason) = self.state.config.nhs_domains.decide(&email);
        let now = self.clock().now();
        let mut tx = self.state.db.begin().await.unwrap();
        let user = NewUser {
            email: &email,
            password_hash: &hash,
            full_name: "Test Person",
            role,
            organisation: "Test Org",
            job_role: "Tester",
            professional_body: None,
            registration_number: None,
            learner_type: if verified {
                learner_type
            } else {
                LearnerType::External
            },
            learner_type_reason: &reason,
            email_verified_at: verified.then_some(now),
        };
        let id = users::insert(&mut tx, &user, now).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let db = self.database.connect().await;
        academy::run_query!(read & db, |c| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(c)
            .await)
        .unwrap()
    }
}

impl Browser {
    pub async fn register(&self, name: &str, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/register",
            &[
                ("full_name", name),
                ("email", email),
                ("password", password),
                ("confirm_password", password),
                ("organisation", "Example NHS Trust"),
                ("job_role", "Staff nurse"),
                ("professional_body", "NMC"),
                ("registration_number", "12A3456E"),
                ("consent", "yes"),
            ],
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form(
            "/login",
            &[("email", email), ("password", password), ("next", "")],
        )
        .await
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}
