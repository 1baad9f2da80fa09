//! zyz (专业镇): structured YAML about Chinese specialty towns in, GB/T 9704-2012 documents out.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `model` loads `content/*.yaml` into typed values with source locations; `check` measures the
//! towns against the designation standards (which are data) and collects every finding; `assess`
//! scores and ranks the towns for the year and picks whom to commend and supervise; `build`
//! plans the documents, decides what is stale and drives the rest; `render` turns data into Typst
//! source through minijinja templates that escape every value; `typeset` compiles that source
//! in-process with Typst (one shared font set) and exports PDF/A; `build` then writes the files
//! atomically and records them in `output/manifest.json`. `diag` is the one finding type all stages
//! report with, and `cmd` holds one entry function per subcommand.

pub mod assess;
pub mod build;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod diag;
pub mod model;
pub mod render;
pub mod typeset;

/// Process exit codes (the design contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything went well (warnings allowed).
    Success = 0,
    /// Content findings, or a document failed.
    Failure = 1,
    /// Usage or environment error.
    Usage = 2,
}
