//! How far `seed-scale` has got: a bar (indicatif) when standard error is a terminal, a
//! plain line per table and per tenth of a large one otherwise (logs, CI), or nothing.

use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Tables smaller than this get no lines between their first and last.
const LINES_FROM: u64 = 50_000;

enum Shown {
    Bar(ProgressBar),
    Lines,
    Quiet,
}

pub struct Progress {
    shown: Shown,
    started: Instant,
    table: &'static str,
    table_rows: u64,
    table_done: u64,
    next_line: u64,
}

impl Progress {
    /// A bar on a terminal, plain lines otherwise; both on standard error.
    pub fn on_stderr() -> Progress {
        let shown = match std::io::stderr().is_terminal() {
            true => Shown::Bar(ProgressBar::with_draw_target(
                Some(0),
                ProgressDrawTarget::stderr(),
            )),
            false => Shown::Lines,
        };
        Progress::new(shown)
    }

    /// Nothing shown (tests).
    pub fn quiet() -> Progress {
        Progress::new(Shown::Quiet)
    }

    fn new(shown: Shown) -> Progress {
        Progress {
            shown,
            started: Instant::now(),
            table: "",
            table_rows: 0,
            table_done: 0,
            next_line: 0,
        }
    }

    /// Every row the run will write, once the plan is known.
    pub fn expect(&mut self, rows: u64) {
        if let Shown::Bar(bar) = &self.shown {
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:32}] {human_pos}/{human_len} rows ({eta} left) {msg}",
            )
            .map(|style| style.progress_chars("=> "));
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar.set_length(rows);
        }
    }

    /// The next table, and how many rows it will get.
    pub fn table(&mut self, table: &'static str, rows: u64) {
        self.table = table;
        self.table_rows = rows;
        self.table_done = 0;
        self.next_line = rows / 10;
        match &self.shown {
            Shown::Bar(bar) => bar.set_message(table),
            Shown::Lines => self.line(&format!("{table}: {rows} rows")),
            Shown::Quiet => {}
        }
    }

    /// `rows` more rows of the current table are written.
    pub fn advance(&mut self, rows: u64) {
        self.table_done += rows;
        match &self.shown {
            Shown::Bar(bar) => bar.inc(rows),
            Shown::Lines if self.table_rows >= LINES_FROM && self.table_done >= self.next_line => {
                self.next_line = self.table_done + self.table_rows / 10;
                if self.table_done < self.table_rows {
                    let line =
                        format!("{}: {} of {}", self.table, self.table_done, self.table_rows);
                    self.line(&line);
                }
            }
            Shown::Lines | Shown::Quiet => {}
        }
    }

    /// A step that writes no rows (committing, refreshing statistics).
    pub fn note(&mut self, what: &'static str) {
        match &self.shown {
            Shown::Bar(bar) => bar.set_message(what),
            Shown::Lines => self.line(what),
            Shown::Quiet => {}
        }
    }

    pub fn finish(&mut self) {
        if let Shown::Bar(bar) = &self.shown {
            bar.finish_and_clear();
        }
    }

    fn line(&self, text: &str) {
        let seconds = self.started.elapsed().as_secs();
        eprintln!(
            "seed-scale [{:>3}:{:02}] {text}",
            seconds / 60,
            seconds % 60
        );
    }
}
