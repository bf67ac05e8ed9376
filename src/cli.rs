//! The command line: `serve` (default), `migrate`, `create-admin`, `seed-demo`,
//! `seed-scale`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::accounts::first_admin::AdminMade;
use crate::app;
use crate::clock::Clock;
use crate::config::{Config, VARIABLES};
use crate::domain::email::Email;
use crate::domain::password::check_new_password;
use crate::seed::scale::{ScaleError, Size};
use crate::state::AppState;
use crate::{accounts, jobs, seed};

#[derive(Debug, Parser)]
#[command(
    name = "academy",
    version,
    about = "Academy: CPD-accredited courses in patient safety investigation, with enrolment, \
             CPD records and the body's reports and news.",
    after_long_help = environment_help()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web site (the default). Applies migrations first.
    Serve {
        /// Add the demo accounts and content first if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create an admin account, or make an existing account an admin.
    ///
    /// The password is asked for at a prompt, or read from standard input with
    /// --password-stdin; it is never taken from the command line.
    CreateAdmin {
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// The admin's full name.
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Add the demo accounts and content. Running it again changes nothing.
    SeedDemo,
    /// Add the scale data set the benchmarks measure pages on.
    ///
    /// 100,000 learners (nobody can sign in as them), 200 courses, 2,000 cohorts through
    /// the year with their live sessions, 1,000,000 enrolments with their history, card
    /// payments and certificates, 10,000 reports and posts, 1,000,000 audit events and
    /// 1,000,000 CPD entries, in one transaction: a failure leaves nothing behind.
    ///
    /// It adds to an empty database or one with only the demo content (seed-demo, before or
    /// after, gives the accounts to sign in with). A database that already has the scale
    /// data is refused with exit code 2 and left as it was. On SQLite stop the server
    /// first: the run holds the only writer for a few minutes.
    SeedScale {
        /// Add this fraction of the set, above 0 and at most 1 (0.01: 1,000 learners, 2
        /// courses, 20 cohorts, 10,000 enrolments, 100 reports and posts).
        #[arg(long, default_value_t = 1.0, value_parser = parse_fraction)]
        fraction: f64,
    },
}

fn parse_fraction(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 1.0 => Ok(f),
        _ => Err(format!(
            "{raw:?} is not a number above 0 and at most 1, like 0.01"
        )),
    }
}

fn environment_help() -> String {
    let mut help = String::from("Configuration (environment variables, or a .env file):\n");
    for (name, default, meaning) in VARIABLES {
        help.push_str(&format!("  {name:<30} {meaning} [default: {default}]\n"));
    }
    help
}

/// Exit codes: 0 done, 1 failed while running, 2 refused (bad configuration or input).
pub async fn run(cli: Cli) -> ExitCode {
    init_tracing();
    let config = match load_config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    let result = match command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Migrate => migrate(config).await,
        Command::CreateAdmin {
            email,
            name,
            password_stdin,
        } => match read_admin_input(&email, &name, password_stdin) {
            Ok(input) => create_admin(config, input).await,
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        },
        Command::SeedDemo => seed_demo(config).await,
        Command::SeedScale { fraction } => match seed_scale(config, fraction).await {
            Err(error) if matches!(error.downcast_ref(), Some(ScaleError::AlreadyThere)) => {
                eprintln!("academy seed-scale: {error}");
                return ExitCode::from(2);
            }
            other => other,
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("academy: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "academy=info,tower_http=warn,sqlx=warn,warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

fn load_config() -> Result<Config, String> {
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(error) if error.not_found() => {}
        Err(error) => {
            return Err(format!(
                "Academy cannot start: the .env file is invalid: {error}"
            ));
        }
    }
    let mut config = Config::from_env().map_err(|e| e.to_string())?;
    config
        .resolve_development_secret()
        .map_err(|e| format!("Academy cannot start: {e:#}"))?;
    Ok(config)
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let metrics_bind = config.metrics_bind;
    let state = AppState::start(config, Clock::system()).await?;
    if demo && let Some(accounts) = seed::seed_if_empty(&state).await? {
        print!("Demo content added.\n{}", seed::describe(&accounts));
    }
    let listener = TcpListener::bind(state.config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", state.config.bind))?;
    tracing::info!("Academy is listening on http://{}", listener.local_addr()?);

    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    jobs::spawn(&state, &shutdown);
    if let Some(address) = metrics_bind {
        let metrics_listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} for metrics"))?;
        tracing::info!(
            "metrics are served on http://{}/metrics",
            metrics_listener.local_addr()?
        );
        let router = app::metrics_router(state.clone());
        tokio::spawn(app::serve(
            metrics_listener,
            router,
            shutdown.clone().cancelled_owned(),
        ));
    }
    let server = app::serve(
        listener,
        app::router(state.clone()),
        shutdown.clone().cancelled_owned(),
    );
    // Requests in flight may finish; a client that never lets go does not hold the stop up.
    let grace = state.config.request_timeout + Duration::from_secs(5);
    let give_up = async {
        shutdown.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => result?,
        _ = give_up => tracing::warn!("stopped after waiting {grace:?} for open connections"),
    }
    jobs::before_stop(&state).await;
    state.db.close().await;
    tracing::info!("Academy stopped");
    Ok(())
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
    shutdown.cancel();
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let state = AppState::start(config, Clock::system()).await?;
    state.db.close().await;
    println!("Database is up to date.");
    Ok(())
}

async fn seed_demo(config: Config) -> anyhow::Result<()> {
    let state = AppState::start(config, Clock::system()).await?;
    let accounts = seed::seed_demo(&state).await?;
    state.db.close().await;
    print!("{}", seed::describe(&accounts));
    Ok(())
}

async fn seed_scale(config: Config, fraction: f64) -> anyhow::Result<()> {
    let state = AppState::start(config, Clock::system()).await?;
    let mut progress = seed::scale::Progress::on_stderr();
    let added = seed::scale::seed_scale(&state, Size::fraction(fraction), &mut progress).await;
    state.db.close().await;
    print!("{}", seed::scale::describe(&added?));
    Ok(())
}

/// Checked input for `create-admin`.
struct AdminInput {
    email: Email,
    name: String,
    password: String,
}

const MAX_NAME_CHARS: usize = 200;

/// Reads the password, then checks everything, reporting every problem at once.
fn read_admin_input(email: &str, name: &str, password_stdin: bool) -> Result<AdminInput, String> {
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("academy create-admin: cannot read the password: {e}"))?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        prompt_password()?
    };
    let mut problems = Vec::new();
    let email = Email::parse(email)
        .map_err(|e| problems.push(format!("--email: {e}")))
        .ok();
    let name = name.trim();
    if name.is_empty() {
        problems.push("--name: Enter the admin's full name".to_owned());
    } else if name.chars().count() > MAX_NAME_CHARS {
        problems.push(format!(
            "--name: Name must be {MAX_NAME_CHARS} characters or fewer"
        ));
    }
    if let Err(problem) = check_new_password(&password, email.as_ref(), &[name]) {
        problems.push(format!("password: {problem}"));
    }
    match email {
        Some(email) if problems.is_empty() => Ok(AdminInput {
            email,
            name: name.to_owned(),
            password,
        }),
        _ => Err(format!(
            "academy create-admin: nothing was changed\n{}",
            problems
                .iter()
                .map(|p| format!("  - {p}\n"))
                .collect::<String>()
        )),
    }
}

fn prompt_password() -> Result<String, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "academy create-admin: no terminal to ask for a password; use --password-stdin".into(),
        );
    }
    let first = rpassword::prompt_password("New admin password: ")
        .map_err(|e| format!("academy create-admin: cannot read the password: {e}"))?;
    let second = rpassword::prompt_password("Type it again: ")
        .map_err(|e| format!("academy create-admin: cannot read the password: {e}"))?;
    if first != second {
        return Err(
            "academy create-admin: the passwords did not match; nothing was changed".into(),
        );
    }
    Ok(first)
}

async fn create_admin(config: Config, input: AdminInput) -> anyhow::Result<()> {
    let state = AppState::start(config, Clock::system()).await?;
    let made = accounts::first_admin::create_admin(
        state.ctx(),
        &state.passwords,
        &input.email,
        &input.name,
        &input.password,
    )
    .await;
    state.db.close().await;
    let outcome = match made? {
        AdminMade::Promoted => "is now an admin (name and password updated)",
        AdminMade::Created => "was created as an admin",
    };
    println!("{} {outcome}.", input.email);
    Ok(())
}
