//! `seed-demo`: demo accounts and content. Safe to run again. `seed-scale` (the data set
//! of the performance goals) is in [`scale`].

mod catalogue;
mod content;
mod cpd;
mod enrolments;
mod learning;
mod materials;
pub mod scale;

use rand::Rng;
use rand::distr::Alphanumeric;

use crate::db::users::{self, LearnerType, NewUser, Role};
use crate::domain::email::Email;
use crate::state::AppState;

struct DemoAccount {
    email: &'static str,
    full_name: &'static str,
    role: Role,
    organisation: &'static str,
    job_role: &'static str,
    professional_body: Option<&'static str>,
    registration_number: Option<&'static str>,
    learner_type: LearnerType,
    learner_type_reason: &'static str,
}

const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        email: "admin@academy.example",
        full_name: "Priya Shah",
        role: Role::Admin,
        organisation: "Academy education team",
        job_role: "Education programme manager",
        professional_body: None,
        registration_number: None,
        learner_type: LearnerType::External,
        learner_type_reason: "Demo admin account",
    },
    DemoAccount {
        email: "amina.okafor@example.nhs.uk",
        full_name: "Amina Okafor",
        role: Role::Learner,
        organisation: "Example NHS Foundation Trust",
        job_role: "Ward sister",
        professional_body: Some("NMC"),
        registration_number: Some("12A3456E"),
        learner_type: LearnerType::Nhs,
        learner_type_reason: "Email address on an NHS domain (example.nhs.uk)",
    },
    DemoAccount {
        email: "sam.taylor@example.com",
        full_name: "Sam Taylor",
        role: Role::Learner,
        organisation: "Riverside Independent Hospital",
        job_role: "Clinical governance lead",
        professional_body: Some("HCPC"),
        registration_number: Some("PA012345"),
        learner_type: LearnerType::External,
        learner_type_reason: "Email address not on an NHS domain",
    },
];

/// What a seeding run added.
#[derive(Debug, Default)]
pub struct Seeded {
    pub accounts: Vec<SeededAccount>,
    pub courses: Vec<String>,
    pub enrolments: usize,
    pub content: usize,
    pub materials: usize,
    pub certificates: usize,
    pub cpd_entries: usize,
}

/// One demo account, and its password if this run created it (shown once, never stored).
#[derive(Debug)]
pub struct SeededAccount {
    pub email: String,
    pub description: String,
    pub new_password: Option<String>,
}

/// Adds whatever demo data is missing; existing rows are left exactly as they are.
pub async fn seed_demo(state: &AppState) -> anyhow::Result<Seeded> {
    let mut accounts = Vec::new();
    for account in &DEMO_ACCOUNTS {
        accounts.push(seed_account(state, account).await?);
    }
    let courses = catalogue::seed(state).await?;
    let enrolments = enrolments::seed(state).await?;
    let content = content::seed(state).await?;
    let materials = materials::seed(state).await?;
    let certificates = learning::seed(state).await?;
    let cpd_entries = cpd::seed(state).await?;
    Ok(Seeded {
        accounts,
        courses,
        enrolments,
        content,
        materials,
        certificates,
        cpd_entries,
    })
}

async fn seed_account(state: &AppState, account: &DemoAccount) -> anyhow::Result<SeededAccount> {
    let email = Email::parse(account.email)?;
    let description = match (account.role, account.learner_type) {
        (Role::Admin, _) => "admin",
        (Role::Learner, LearnerType::Nhs) => "NHS learner",
        (Role::Learner, LearnerType::External) => "external learner",
    }
    .to_owned();
    if users::find_by_email(&state.db, &email).await?.is_some() {
        return Ok(SeededAccount {
            email: email.to_string(),
            description,
            new_password: None,
        });
    }
    let password = random_password();
    let password_hash = state.passwords.hash(&password).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Another seeder may have won the race since the check above.
    if users::find_by_email_in(&mut tx, &email).await?.is_some() {
        return Ok(SeededAccount {
            email: email.to_string(),
            description,
            new_password: None,
        });
    }
    let new_user = NewUser {
        email: &email,
        password_hash: &password_hash,
        full_name: account.full_name,
        role: account.role,
        organisation: account.organisation,
        job_role: account.job_role,
        professional_body: account.professional_body,
        registration_number: account.registration_number,
        learner_type: account.learner_type,
        learner_type_reason: account.learner_type_reason,
        email_verified_at: Some(now),
    };
    users::insert(&mut tx, &new_user, now).await?;
    tx.commit().await?;
    Ok(SeededAccount {
        email: email.to_string(),
        description,
        new_password: Some(password),
    })
}

fn random_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// Seeds only a database with no accounts at all (`serve --demo`).
pub async fn seed_if_empty(state: &AppState) -> anyhow::Result<Option<Seeded>> {
    if users::count(&state.db).await? > 0 {
        return Ok(None);
    }
    seed_demo(state).await.map(Some)
}

/// The lines `seed-demo` prints.
pub fn describe(seeded: &Seeded) -> String {
    let mut out = String::new();
    let accounts = &seeded.accounts;
    for account in accounts {
        match &account.new_password {
            Some(password) => out.push_str(&format!(
                "created {} {}  password: {password}\n",
                account.description, account.email
            )),
            None => out.push_str(&format!(
                "kept    {} {}  (already present; password unchanged)\n",
                account.description, account.email
            )),
        }
    }
    if accounts.iter().any(|a| a.new_password.is_some()) {
        out.push_str("These passwords are shown once. Keep them now.\n");
    }
    for title in &seeded.courses {
        out.push_str(&format!("created course {title}\n"));
    }
    if seeded.content > 0 {
        out.push_str(&format!(
            "created {} demo reports, news, events and blogs\n",
            seeded.content
        ));
    }
    if seeded.enrolments > 0 {
        out.push_str(&format!(
            "created {} demo enrolments in every state\n",
            seeded.enrolments
        ));
    }
    if seeded.materials > 0 {
        out.push_str(&format!(
            "created {} demo materials on the running cohort\n",
            seeded.materials
        ));
    }
    if seeded.certificates > 0 {
        out.push_str(&format!(
            "created a finished cohort with its registers, evaluations, completions and {} \
             certificates\n",
            seeded.certificates
        ));
    }
    if seeded.cpd_entries > 0 {
        out.push_str(&format!(
            "created {} CPD entries for the demo NHS learner, with her revalidation date and a share link\n",
            seeded.cpd_entries
        ));
    }
    out
}
