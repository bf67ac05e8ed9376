//! The `academy` binary: parse the command line and hand over to the library.
#![forbid(unsafe_code)]

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = academy::cli::Cli::parse();
    academy::cli::run(cli).await
}
