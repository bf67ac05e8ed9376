//! What the rounds measured, reduced to medians and ratios to the static asset of the same
//! round, printed as Markdown tables with the goals of issue 14 judged as information.

use std::collections::HashMap;
use std::time::Duration;

use crate::discover::{Page, Who};
use crate::server::Memory;
use crate::settings::{Backend, DataSet, Encoding, Settings, label};
use crate::wrk::Figures;

/// One server's figures: per encoding and page (by its index in `pages`), one per round.
pub struct Measured {
    pub data: DataSet,
    pub pages: Vec<Page>,
    figures: HashMap<(Encoding, usize), Vec<Figures>>,
    /// Before the rounds (seeded, signed in, every page fetched once), and whether the
    /// peak was then reset so that `memory`'s is the load's own.
    pub before_load: Option<(Memory, bool)>,
    pub memory: Option<Memory>,
}

/// A page's medians over the rounds.
pub struct Summary {
    pub per_second: f64,
    pub p99: Duration,
    /// Median of each round's page / static.
    pub times_static: f64,
    pub p99_times_static: f64,
    pub bytes: f64,
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

impl Measured {
    pub fn new(data: DataSet, pages: Vec<Page>) -> Measured {
        Measured {
            data,
            pages,
            figures: HashMap::new(),
            before_load: None,
            memory: None,
        }
    }

    pub fn add(&mut self, encoding: Encoding, page: usize, figures: Figures) {
        self.figures
            .entry((encoding, page))
            .or_default()
            .push(figures);
    }

    fn rounds(&self, encoding: Encoding, page: usize) -> &[Figures] {
        self.figures
            .get(&(encoding, page))
            .map_or(&[], |v| v.as_slice())
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.name == name)
    }

    pub fn summary(&self, encoding: Encoding, page: usize) -> Summary {
        let rounds = self.rounds(encoding, page);
        let statics = self.rounds(encoding, 0);
        let pick = |f: &dyn Fn(&Figures) -> f64| median(rounds.iter().map(f).collect());
        let against = |f: &dyn Fn(&Figures, &Figures) -> f64| {
            median(rounds.iter().zip(statics).map(|(p, s)| f(p, s)).collect())
        };
        Summary {
            per_second: pick(&|f| f.per_second),
            p99: Duration::from_secs_f64(pick(&|f| f.p99.as_secs_f64()).max(0.0)),
            times_static: against(&|p, s| p.per_second / s.per_second),
            p99_times_static: against(&|p, s| p.p99.as_secs_f64() / s.p99.as_secs_f64()),
            bytes: pick(&|f| f.bytes_per_response),
        }
    }
}

/// The goal a page is held to on the demo data, and whether it met it.
fn goal(who: Who, summary: &Summary) -> Option<(u8, bool)> {
    match who {
        Who::Anonymous => Some((
            1,
            summary.times_static >= 0.5 && summary.p99_times_static <= 2.5,
        )),
        Who::Learner => Some((2, summary.times_static >= 0.3)),
        Who::Static | Who::Admin => None,
    }
}

/// Whatever was not a clean 200.
#[derive(Default)]
pub struct Problems(Vec<String>);

impl Problems {
    pub fn wrk(&mut self, data: &DataSet, encoding: Encoding, page: &Page, figures: &Figures) {
        if figures.not_ok > 0 || figures.socket_errors > 0 {
            self.0.push(format!(
                "{} data, {}, {} ({}): {} of {} answers not 2xx/3xx, {} socket errors",
                data.name(),
                encoding.name(),
                page.name,
                page.path,
                figures.not_ok,
                figures.requests,
                figures.socket_errors
            ));
        }
    }

    pub fn status(
        &mut self,
        label: &str,
        page: &Page,
        encoding: Encoding,
        status: anyhow::Result<u16>,
        before: bool,
    ) {
        let answer = match status {
            Ok(code) => code.to_string(),
            Err(error) => format!("{error:#}"),
        };
        let when = if before {
            "before the load (left out)"
        } else {
            "after the load"
        };
        self.0.push(format!(
            "{label}, {}, {} ({}) answered {answer} {when}",
            encoding.name(),
            page.name,
            page.path
        ));
    }
}

pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// "30,525"
fn thousands(n: f64) -> String {
    let n = n.max(0.0).round() as u64;
    if n < 1000 {
        n.to_string()
    } else {
        format!("{},{:03}", thousands((n / 1000) as f64), n % 1000)
    }
}

fn page_cell(page: &Page) -> String {
    match page.who {
        Who::Static => "static asset".into(),
        _ if page.path.chars().count() > 40 => {
            let short: String = page.path.chars().take(39).collect();
            format!("{} `{short}…`", page.name)
        }
        _ => format!("{} `{}`", page.name, page.path),
    }
}

pub fn print(settings: &Settings, backend: Backend, measured: &[Measured], problems: &Problems) {
    for target in measured {
        table(settings, backend, target);
    }
    if let [demo, scale] = measured {
        for &encoding in &settings.encodings {
            compare(backend, demo, scale, encoding);
        }
    }
    println!();
    if problems.0.is_empty() {
        println!(
            "{}: every wrk run counted only 2xx/3xx answers with no socket errors, and every \
             page answered exactly 200 before and after the load.",
            label(backend)
        );
    } else {
        println!("{}: answers that were not a clean 200:", label(backend));
        for problem in &problems.0 {
            println!("- {problem}");
        }
    }
}

fn table(settings: &Settings, backend: Backend, target: &Measured) {
    println!(
        "\n### {}, {} data (wrk {}, {} rounds, medians; × static: median of each round's \
         ratio; KB: bytes read per response, headers included)\n",
        label(backend),
        target.data.name(),
        settings.wrk_flags(),
        settings.rounds
    );
    let mut header = String::from("| page |");
    let mut rule = String::from("|---|");
    for encoding in &settings.encodings {
        let e = encoding.name();
        header.push_str(&format!(
            " req/s {e} | × static | p99 | p99 × static | KB | goal |"
        ));
        rule.push_str("---:|---:|---:|---:|---:|:---:|");
    }
    println!("{header}\n{rule}");
    for (index, page) in target.pages.iter().enumerate() {
        let mut row = format!("| {} |", page_cell(page));
        for &encoding in &settings.encodings {
            let s = target.summary(encoding, index);
            let verdict = match goal(page.who, &s) {
                Some((n, true)) => format!("{n} ✓"),
                Some((n, false)) => format!("{n} ✗"),
                None => "".into(),
            };
            row.push_str(&format!(
                " {} | {:.2} | {} | {:.1} | {:.1} | {verdict} |",
                thousands(s.per_second),
                s.times_static,
                duration(s.p99),
                s.p99_times_static,
                s.bytes / 1024.0
            ));
        }
        println!("{row}");
    }
    println!();
    for &encoding in &settings.encodings {
        for (number, who, wording) in [
            (
                1,
                Who::Anonymous,
                "anonymous pages ≥ 0.5 × static req/s and p99 ≤ 2.5 × static p99",
            ),
            (2, Who::Learner, "signed-in pages ≥ 0.3 × static req/s"),
        ] {
            let judged: Vec<(String, bool)> = target
                .pages
                .iter()
                .enumerate()
                .filter(|(_, p)| p.who == who)
                .filter_map(|(i, p)| {
                    goal(p.who, &target.summary(encoding, i)).map(|(_, ok)| (p.name.clone(), ok))
                })
                .collect();
            if judged.is_empty() {
                continue;
            }
            let missed: Vec<&str> = judged
                .iter()
                .filter(|(_, ok)| !ok)
                .map(|(n, _)| n.as_str())
                .collect();
            println!(
                "- goal {number} ({wording}), {}: {} of {} met{}",
                encoding.name(),
                judged.len() - missed.len(),
                judged.len(),
                if missed.is_empty() {
                    String::new()
                } else {
                    format!("; not: {}", missed.join("; "))
                }
            );
        }
    }
    if settings.encodings.len() == 2 {
        let (plain, gzip) = (
            target.summary(Encoding::Identity, 0),
            target.summary(Encoding::Gzip, 0),
        );
        println!(
            "- the static asset with gzip: {} req/s, {:.2} × its own identity figure ({:.1} KB \
             instead of {:.1} KB){}",
            thousands(gzip.per_second),
            gzip.per_second / plain.per_second,
            gzip.bytes / 1024.0,
            plain.bytes / 1024.0,
            if gzip.per_second < 0.8 * plain.per_second {
                ": it is compressed on every request, which flatters the gzip ratios"
            } else {
                ""
            }
        );
    }
    if let Some(memory) = &target.memory {
        let mib = |kib: u64| kib as f64 / 1024.0;
        let peak = mib(memory.peak_kib);
        let judged = match target.data {
            DataSet::Scale if peak <= 64.0 => "goal 5 (≤ 64 MiB at scale): met",
            DataSet::Scale => "goal 5 (≤ 64 MiB at scale): not met",
            DataSet::Demo => "goal 5 is judged on the scale data",
        };
        let (since, reset) = match &target.before_load {
            Some((before, true)) => (
                format!(
                    "before it, {:.1} MiB since the start (RSS then {:.1} MiB)",
                    mib(before.peak_kib),
                    mib(before.now_kib)
                ),
                "under the load (reset as it began)",
            ),
            _ => (
                "the kernel refused to reset the peak".to_owned(),
                "since the start",
            ),
        };
        println!(
            "- server peak RSS (VmHWM) {reset}: {peak:.1} MiB; {since}; RSS after it {:.1} MiB \
             ({:.1} MiB its own, {:.1} MiB of mapped files such as its binary); {judged}",
            mib(memory.now_kib),
            mib(memory.anon_kib),
            mib(memory.file_kib)
        );
    }
}

/// Goal 3: each page on the scale data against the same page on the demo data, per round.
fn compare(backend: Backend, demo: &Measured, scale: &Measured, encoding: Encoding) {
    println!(
        "\n### {}, scale / demo, {} (medians of each round's ratio; goal 3: ≥ 0.8 and p99 ≤ 1.25)\n",
        label(backend),
        encoding.name()
    );
    println!(
        "| page | demo req/s | scale req/s | scale / demo | demo p99 | scale p99 | p99 scale / demo | goal 3 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|:---:|");
    let (mut met, mut judged) = (0, 0);
    for (d, page) in demo.pages.iter().enumerate() {
        let Some(s) = scale.index(&page.name) else {
            continue;
        };
        let (a, b) = (demo.rounds(encoding, d), scale.rounds(encoding, s));
        let ratio = median(
            a.iter()
                .zip(b)
                .map(|(x, y)| y.per_second / x.per_second)
                .collect(),
        );
        let p99 = median(
            a.iter()
                .zip(b)
                .map(|(x, y)| y.p99.as_secs_f64() / x.p99.as_secs_f64())
                .collect(),
        );
        let ok = ratio >= 0.8 && p99 <= 1.25;
        let verdict = if page.who == Who::Static {
            ""
        } else {
            judged += 1;
            met += usize::from(ok);
            if ok { "✓" } else { "✗" }
        };
        let (ds, ss) = (demo.summary(encoding, d), scale.summary(encoding, s));
        println!(
            "| {} | {} | {} | {ratio:.2} | {} | {} | {p99:.2} | {verdict} |",
            page_cell(page),
            thousands(ds.per_second),
            thousands(ss.per_second),
            duration(ds.p99),
            duration(ss.p99)
        );
    }
    println!(
        "\n- goal 3, {}: {met} of {judged} pages met",
        encoding.name()
    );
}
