//! The scale learners (and the one admin who decided their places): names, addresses,
//! employers, professions and registration numbers made from the learner's number, so any
//! pass can name learner `n` without a query. Nobody can sign in as them: every account
//! shares one hash of a random password, computed once.

use chrono::{DateTime, Duration, Utc};

use crate::db::binds::Value;
use crate::domain::eligibility::{LearnerType, NhsDomains};
use crate::domain::email::Email;
use crate::domain::role::Role;
use crate::domain::search;

const FIRST_NAMES: [&str; 40] = [
    "Olivia",
    "Mohammed",
    "Grace",
    "Tomasz",
    "Aisha",
    "Daniel",
    "Chloe",
    "Kwame",
    "Ella",
    "Ravi",
    "Niamh",
    "Joseph",
    "Amelia",
    "Yusuf",
    "Freya",
    "Oluwaseun",
    "Isla",
    "Arjun",
    "Sophie",
    "Liam",
    "Zoë",
    "Hamza",
    "Megan",
    "Ciarán",
    "Priya",
    "Ben",
    "Hannah",
    "Adebayo",
    "Lucy",
    "Marek",
    "Fatima",
    "Owen",
    "Rachel",
    "Tariq",
    "Emily",
    "Sean",
    "Leah",
    "Kofi",
    "Ruth",
    "Ifeoma",
];
const LAST_NAMES: [&str; 40] = [
    "Patel", "Williams", "Nowak", "Evans", "Mensah", "Hughes", "Smith", "Jones", "Brown", "Taylor",
    "Khan", "Davies", "Wilson", "Okoro", "Thomas", "Roberts", "Ahmed", "Walker", "Wright",
    "Robinson", "Thompson", "White", "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis",
    "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward",
    "O'Neill", "Müller",
];
/// NHS employers: (name, the part of the address before `.example.nhs.uk`).
const TRUSTS: [(&str, &str); 8] = [
    (
        "Northfield Teaching Hospitals NHS Foundation Trust",
        "northfield",
    ),
    ("Riverside and Vale NHS Trust", "riverside-vale"),
    ("Eastmoor Community Health NHS Trust", "eastmoor"),
    (
        "Harbour City Mental Health NHS Foundation Trust",
        "harbour-city",
    ),
    ("Westbridge University Hospitals NHS Trust", "westbridge"),
    (
        "Southdown Ambulance Service NHS Trust",
        "southdown-ambulance",
    ),
    ("Kingsmead Integrated Care Board", "kingsmead-icb"),
    (
        "Fenland Children's Hospital NHS Foundation Trust",
        "fenland-children",
    ),
];
/// Other employers: (name, address domain).
const ORGANISATIONS: [(&str, &str); 4] = [
    (
        "Riverside Independent Hospital",
        "riverside-hospital.example",
    ),
    ("Independent Care Group", "independent-care.example"),
    ("Meadowbank Hospice", "meadowbank-hospice.example"),
    ("St Anne's Private Clinic", "st-annes-clinic.example"),
];
/// (professional body, job roles), chosen by the learner's number modulo 10.
const PROFESSIONS: [(Option<&str>, &[&str]); 10] = [
    (
        Some("NMC"),
        &["Registered nurse", "Ward sister", "Charge nurse"],
    ),
    (Some("NMC"), &["Midwife", "Community midwife"]),
    (Some("NMC"), &["Nurse practitioner", "District nurse"]),
    (Some("NMC"), &["Mental health nurse", "Practice nurse"]),
    (Some("NMC"), &["Registered nurse", "Theatre nurse"]),
    (Some("HCPC"), &["Paramedic", "Physiotherapist"]),
    (Some("HCPC"), &["Radiographer", "Occupational therapist"]),
    (
        Some("GMC"),
        &[
            "Consultant anaesthetist",
            "Specialty registrar",
            "GP partner",
        ],
    ),
    (Some("GPhC"), &["Clinical pharmacist", "Pharmacy manager"]),
    (
        None,
        &[
            "Patient safety specialist",
            "Clinical governance lead",
            "Risk manager",
        ],
    ),
];

/// The scale admin's address: its row also tells a later run the data is there.
pub const ADMIN_EMAIL: &str = "scale-admin@academy.example";
const ADMIN_NAME: &str = "Jordan Reeve";

/// Most learners work for the NHS (decided, as at registration, by their address).
pub fn is_nhs(learner: usize) -> bool {
    learner % 7 != 3
}

pub fn full_name(learner: usize) -> String {
    let first = FIRST_NAMES[learner % FIRST_NAMES.len()];
    // Each round of first names moves the surnames on, so names repeat only every 1,600.
    let last = LAST_NAMES[(learner + learner / FIRST_NAMES.len()) % LAST_NAMES.len()];
    format!("{first} {last}")
}

pub fn professional_body(learner: usize) -> Option<&'static str> {
    PROFESSIONS[learner % PROFESSIONS.len()].0
}

fn email(learner: usize) -> String {
    let local: String = search::fold(&full_name(learner))
        .chars()
        .map(|c| if c == ' ' { '.' } else { c })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let domain = match is_nhs(learner) {
        true => format!("{}.example.nhs.uk", TRUSTS[learner % TRUSTS.len()].1),
        false => ORGANISATIONS[learner % ORGANISATIONS.len()].1.to_owned(),
    };
    format!("{local}.{learner}@{domain}")
}

fn organisation(learner: usize) -> &'static str {
    match is_nhs(learner) {
        true => TRUSTS[learner % TRUSTS.len()].0,
        false => ORGANISATIONS[learner % ORGANISATIONS.len()].0,
    }
}

/// A number of the register's shape: NMC "12A3456E", HCPC "PA123456", GMC and GPhC seven
/// digits.
fn registration_number(learner: usize) -> Option<String> {
    let letter = |n: usize| char::from(b'A' + (n % 26) as u8);
    Some(match professional_body(learner)? {
        "NMC" => format!(
            "{:02}{}{:04}{}",
            learner % 100,
            letter(learner / 7),
            learner % 10_000,
            letter(learner / 3)
        ),
        "HCPC" => format!("PA{:06}", learner % 1_000_000),
        _ => format!("{:07}", 1_000_000 + learner % 9_000_000),
    })
}

/// What the rows need that comes from the site's configuration and the clock.
pub struct People {
    pub first_user_id: i64,
    pub learners: usize,
    pub password_hash: String,
    nhs_reason: String,
    external_reason: String,
}

impl People {
    /// Checks that the configured NHS domains give the scale addresses the type their
    /// places assume, and keeps the reasons registration would have recorded.
    pub fn new(
        domains: &NhsDomains,
        first_user_id: i64,
        learners: usize,
        password_hash: String,
    ) -> anyhow::Result<People> {
        let decide = |learner: usize| -> anyhow::Result<(LearnerType, String)> {
            Ok(domains.decide(&Email::parse(&email(learner))?))
        };
        let (nhs, nhs_reason) = decide(0)?;
        let (external, external_reason) = decide(3)?;
        anyhow::ensure!(
            nhs == LearnerType::Nhs && external == LearnerType::External,
            "the configured NHS domains do not cover {} (or do cover {}); seed-scale \
             needs the defaults' nhs.uk",
            email(0),
            email(3)
        );
        Ok(People {
            first_user_id,
            learners,
            password_hash,
            nhs_reason,
            external_reason,
        })
    }

    pub fn user_id(&self, learner: usize) -> i64 {
        self.first_user_id + learner as i64
    }

    /// The admin comes after the learners.
    pub fn admin_id(&self) -> i64 {
        self.first_user_id + self.learners as i64
    }

    /// Every learner's row, then the admin's; `joined` is when the learner registered.
    pub fn rows<'a>(
        &'a self,
        joined: impl Fn(usize) -> DateTime<Utc> + 'a,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = [Value; 15]> + 'a {
        let learners = (0..self.learners).map(move |n| {
            let (learner_type, reason) = match is_nhs(n) {
                true => (LearnerType::Nhs, &self.nhs_reason),
                false => (LearnerType::External, &self.external_reason),
            };
            let roles = PROFESSIONS[n % PROFESSIONS.len()].1;
            let account = Account {
                user_id: self.user_id(n),
                email: email(n),
                full_name: full_name(n),
                role: Role::Learner,
                organisation: organisation(n),
                job_role: roles[n / PROFESSIONS.len() % roles.len()],
                professional_body: professional_body(n),
                registration_number: registration_number(n),
                learner_type,
                reason,
                joined: joined(n),
            };
            account.row(&self.password_hash)
        });
        let admin = Account {
            user_id: self.admin_id(),
            email: ADMIN_EMAIL.to_owned(),
            full_name: ADMIN_NAME.to_owned(),
            role: Role::Admin,
            organisation: "Academy education team",
            job_role: "Education coordinator (scale data)",
            professional_body: None,
            registration_number: None,
            learner_type: LearnerType::External,
            reason: "Scale data admin",
            joined: now - Duration::days(3 * 365),
        };
        learners.chain(std::iter::once(admin.row(&self.password_hash)))
    }
}

pub const USER_COLUMNS: [&str; 15] = [
    "user_id",
    "email",
    "password_hash",
    "full_name",
    "role",
    "email_verified_at",
    "organisation",
    "job_role",
    "professional_body",
    "registration_number",
    "learner_type",
    "learner_type_reason",
    "search_text",
    "created_at",
    "updated_at",
];

struct Account<'a> {
    user_id: i64,
    email: String,
    full_name: String,
    role: Role,
    organisation: &'a str,
    job_role: &'a str,
    professional_body: Option<&'a str>,
    registration_number: Option<String>,
    learner_type: LearnerType,
    reason: &'a str,
    joined: DateTime<Utc>,
}

impl Account<'_> {
    fn row(self, password_hash: &str) -> [Value; 15] {
        // As `db::users` folds them for the admins' search.
        let search_text = search::fold(&format!("{} {}", self.full_name, self.email));
        [
            self.user_id.into(),
            self.email.into(),
            password_hash.into(),
            self.full_name.into(),
            self.role.as_str().into(),
            (self.joined + Duration::minutes(4)).into(),
            self.organisation.into(),
            self.job_role.into(),
            self.professional_body.into(),
            self.registration_number.into(),
            self.learner_type.as_str().into(),
            self.reason.into(),
            search_text.into(),
            self.joined.into(),
            (self.joined + Duration::minutes(4)).into(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for n in 0..5_000 {
            let address = email(n);
            let parsed = Email::parse(&address).unwrap();
            assert_eq!(
                parsed.as_str(),
                address,
                "stored as registration normalises it"
            );
            assert!(seen.insert(address));
        }
        assert_eq!(email(0), "olivia.patel.0@northfield.example.nhs.uk");
        assert!(
            registration_number(0).is_some_and(|pin| {
                crate::domain::cpd::nmc_records::NmcPin::parse(&pin).is_some()
            })
        );
    }
}
