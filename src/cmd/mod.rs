//! Subcommands: one module and one `run` entry function each; `dispatch` picks the one asked for.

use crate::Exit;
use crate::cli::Command;

pub mod build;
pub mod check;
pub mod diff;
pub mod export;
pub mod fix;
pub mod fonts;
pub mod import;
pub mod issue;
pub mod new;
pub mod preview;
pub mod schema;
pub mod text;
pub mod watch;

/// Runs one subcommand and returns the process exit code. Errors returned here are usage or
/// environment errors (exit 2); content problems are reported by the command and give exit 1.
pub fn dispatch(command: Command) -> anyhow::Result<Exit> {
    match command {
        Command::Check(args) => check::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Fonts(args) => fonts::run(&args),
        Command::Watch(args) => watch::run(&args),
        Command::Serve(args) => crate::serve::run(&args),
        Command::Issue(args) => issue::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::New(args) => new::run(&args),
        Command::Preview(args) => preview::run(&args),
        Command::Text(args) => text::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Import(args) => import::run(&args),
    }
}
