//! The `seedance-preflight` command: argument parsing and exit codes only.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
