//! A second `academy serve` process on a test app's database, as a scaled-out deployment
//! runs several.

use std::process::Stdio;
use std::time::Duration as StdDuration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use super::TestApp;

/// `academy serve` as a separate process on the test app's database and secret.
pub async fn second_process(app: &TestApp) -> (tokio::process::Child, String) {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut command = Command::new(env!("CARGO_BIN_EXE_academy"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", app.database.url())
        .env("ACADEMY_BIND", "127.0.0.1:0")
        .env("ACADEMY_SECRET", "test-secret-test-secret-test-secret-0000")
        .env("ACADEMY_DATA_DIR", dir.join("var"))
        .env("ACADEMY_ARGON2_MEMORY_KIB", "64")
        .env("ACADEMY_ARGON2_ITERATIONS", "1")
        .env("ACADEMY_DB_MAX_CONNECTIONS", "4")
        .env("RUST_LOG", "academy=info")
        .current_dir(&dir)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("spawn the second process");
    let mut log = BufReader::new(child.stderr.take().unwrap()).lines();
    loop {
        let line = tokio::time::timeout(StdDuration::from_secs(30), log.next_line())
            .await
            .expect("the second process starts within 30 s")
            .unwrap()
            .expect("the second process exited early");
        if let Some(rest) = line.split("Academy is listening on ").nth(1) {
            let base = rest.trim().to_owned();
            // Keep reading its log so the pipe never fills up.
            tokio::spawn(async move { while let Ok(Some(_)) = log.next_line().await {} });
            return (child, base);
        }
    }
}
