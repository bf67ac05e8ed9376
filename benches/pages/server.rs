//! The server under test as its own process: a fresh database, seeded by the binary's own
//! commands, served on a free port, its peak memory read from /proc, stopped when dropped.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::settings::DataSet;

/// The passwords `seed-demo` printed, by account description ("admin", "NHS learner").
pub struct DemoAccounts(HashMap<String, (String, String)>);

impl DemoAccounts {
    /// `created NHS learner amina.okafor@example.nhs.uk  password: tkO4…` lines.
    pub fn parse(printed: &str) -> DemoAccounts {
        let mut accounts = HashMap::new();
        for line in printed.lines() {
            let Some(rest) = line.strip_prefix("created ") else {
                continue;
            };
            let Some((who, password)) = rest.split_once("  password: ") else {
                continue;
            };
            if let Some((description, email)) = who.trim().rsplit_once(' ') {
                accounts.insert(
                    description.to_owned(),
                    (email.to_owned(), password.trim().to_owned()),
                );
            }
        }
        DemoAccounts(accounts)
    }

    /// (email, password)
    pub fn get(&self, description: &str) -> anyhow::Result<(&str, &str)> {
        self.0
            .get(description)
            .map(|(e, p)| (e.as_str(), p.as_str()))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "seed-demo printed no password for the demo {description} (a database that \
                     was not empty?)"
                )
            })
    }
}

/// Where one server keeps its files, and the environment its commands share.
pub struct Instance {
    binary: PathBuf,
    dir: PathBuf,
    env: Vec<(String, String)>,
    pub base: String,
}

impl Instance {
    /// `dir` must exist and be empty; it becomes the working directory, so no `.env` of the
    /// repository is read.
    pub fn new(binary: &Path, dir: &Path, database_url: &str) -> anyhow::Result<Instance> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let env = [
            ("DATABASE_URL", database_url.to_owned()),
            ("ACADEMY_BIND", format!("127.0.0.1:{port}")),
            ("ACADEMY_BASE_URL", format!("http://127.0.0.1:{port}")),
            (
                "ACADEMY_SECRET",
                "pages-bench-secret-pages-bench-secret-00".to_owned(),
            ),
            ("ACADEMY_DATA_DIR", dir.join("var").display().to_string()),
            // Every request comes from 127.0.0.1: the check page's limit is raised out of the way.
            ("ACADEMY_VERIFY_PER_MINUTE", "1000000".to_owned()),
            // Its start and stop lines, and warnings.
            ("RUST_LOG", "warn,academy::cli=info".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Ok(Instance {
            binary: binary.to_owned(),
            dir: dir.to_owned(),
            env,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .current_dir(&self.dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Seeds the data set; returns the demo accounts' passwords.
    pub fn seed(&self, data: DataSet) -> anyhow::Result<DemoAccounts> {
        let started = Instant::now();
        let output = self.command(&["seed-demo"]).output()?;
        anyhow::ensure!(
            output.status.success(),
            "academy seed-demo failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let accounts = DemoAccounts::parse(&String::from_utf8_lossy(&output.stdout));
        if data == DataSet::Scale {
            // Its progress lines go straight to the terminal.
            let status = self.command(&["seed-scale"]).status()?;
            anyhow::ensure!(status.success(), "academy seed-scale failed ({status})");
        }
        eprintln!(
            "  seeded {} data in {:.1}s",
            data.name(),
            started.elapsed().as_secs_f64()
        );
        Ok(accounts)
    }

    /// Starts `academy serve` and waits until `/readyz` answers.
    pub async fn serve(&self) -> anyhow::Result<Running> {
        let log = std::fs::File::create(self.dir.join("server.log"))?;
        let child = self
            .command(&["serve"])
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()?;
        let mut running = Running {
            child,
            log: self.log(),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(response) = client.get(format!("{}/readyz", self.base)).send().await
                && response.status() == 200
            {
                return Ok(running);
            }
            if let Some(status) = running.child.try_wait()? {
                anyhow::bail!(
                    "the server stopped ({status}); see {}",
                    self.log().display()
                );
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "the server did not answer /readyz within a minute; see {}",
                self.log().display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn log(&self) -> PathBuf {
        self.dir.join("server.log")
    }
}

/// Fails with a clear message if the binary has no such subcommand (seed-scale is newer).
pub fn require_subcommand(binary: &Path, name: &str) -> anyhow::Result<()> {
    let output = Command::new(binary).arg("--help").output()?;
    let help = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        help.lines().any(|l| l.trim_start().starts_with(name)),
        "{} has no `{name}` command, which PAGES_BENCH_DATA=scale or compare needs to build the \
         scale data set (build a version that has it, or use PAGES_BENCH_DATA=demo)",
        binary.display()
    );
    Ok(())
}

/// The serving process; killed when dropped.
pub struct Running {
    child: Child,
    log: PathBuf,
}

/// Memory figures from /proc/<pid>/status, in KiB.
pub struct Memory {
    /// `VmHWM`: the most resident since the peak was last reset.
    pub peak_kib: u64,
    pub now_kib: u64,
    /// Of `now_kib`: the process's own memory and the pages of files it maps (its binary).
    pub anon_kib: u64,
    pub file_kib: u64,
}

impl Running {
    pub fn memory(&self) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| anyhow::anyhow!("no {name} in /proc status"))
        };
        Ok(Memory {
            peak_kib: field("VmHWM:")?,
            now_kib: field("VmRSS:")?,
            anon_kib: field("RssAnon:")?,
            file_kib: field("RssFile:")?,
        })
    }

    /// Starts the peak afresh (proc(5), `clear_refs` 5), so the next `memory()` peak is the
    /// load's alone; false where the kernel refuses.
    pub fn reset_peak(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5").is_ok()
    }

    /// Still serving?
    pub fn check_alive(&mut self) -> anyhow::Result<()> {
        match self.child.try_wait()? {
            Some(status) => {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                let lines: Vec<&str> = log.lines().collect();
                anyhow::bail!(
                    "the server stopped during the load ({status}; a 0 means a signal asked it \
                     to stop); the end of its log:\n{}",
                    lines[lines.len().saturating_sub(15)..].join("\n")
                )
            }
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
