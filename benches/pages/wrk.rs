//! One wrk run against one address, and what its report says: requests per second, the
//! latency distribution's p99, bytes per response, and anything that went wrong.

use std::process::Command;
use std::time::Duration;

use crate::settings::{Encoding, Settings};

#[derive(Clone, Debug)]
pub struct Figures {
    pub per_second: f64,
    pub p99: Duration,
    pub requests: u64,
    pub bytes_per_response: f64,
    /// wrk's "Non-2xx or 3xx responses".
    pub not_ok: u64,
    /// wrk's socket errors (connect, read, write, timeout) added up.
    pub socket_errors: u64,
}

/// Fails early, and clearly, without wrk.
pub fn require() -> anyhow::Result<()> {
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => Ok(()),
        Err(_) => anyhow::bail!("the page benchmark needs wrk on the PATH (apt-get install wrk)"),
    }
}

pub fn run(
    settings: &Settings,
    url: &str,
    encoding: Encoding,
    cookie: Option<&str>,
) -> anyhow::Result<Figures> {
    let mut command = Command::new("wrk");
    command.args([
        format!("-t{}", settings.threads),
        format!("-c{}", settings.connections),
        format!("-d{}s", settings.duration.as_secs()),
        // Slow answers are measured, not dropped as wrk's default 2 s timeouts.
        "--timeout".into(),
        "60s".into(),
        "--latency".into(),
    ]);
    if encoding == Encoding::Gzip {
        command.args(["-H", "Accept-Encoding: gzip"]);
    }
    if let Some(cookie) = cookie {
        command.args(["-H".to_owned(), format!("Cookie: {cookie}")]);
    }
    let output = command.arg(url).output()?;
    let report = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(
        output.status.success(),
        "wrk {url} failed: {}{report}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse(&report).map_err(|e| anyhow::anyhow!("wrk {url}: {e}\n{report}"))
}

/// `12.5ms`, `830.00us`, `1.20s`, `1.05m`
fn duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

/// `34.91MB` (wrk counts in powers of 1024)
fn bytes(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let scale = match unit {
        "B" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some(number * scale)
}

pub fn parse(report: &str) -> anyhow::Result<Figures> {
    let mut per_second = None;
    let mut p99 = None;
    let (mut requests, mut read) = (None, None);
    let (mut not_ok, mut socket_errors) = (0, 0);
    for line in report.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => per_second = n.parse::<f64>().ok(),
            ["99%", d] => p99 = duration(d),
            [n, "requests", "in", _, size, "read"] => {
                requests = n.parse::<u64>().ok();
                read = bytes(size);
            }
            ["Non-2xx", "or", "3xx", "responses:", n] => not_ok = n.parse().unwrap_or(u64::MAX),
            ["Socket", "errors:", rest @ ..] => {
                socket_errors = rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum();
            }
            _ => {}
        }
    }
    let (Some(per_second), Some(p99), Some(requests)) = (per_second, p99, requests) else {
        anyhow::bail!("could not read the report");
    };
    Ok(Figures {
        per_second,
        p99,
        requests,
        bytes_per_response: read.unwrap_or(0.0) / requests.max(1) as f64,
        not_ok,
        socket_errors,
    })
}
