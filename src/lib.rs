//! zyz (专业镇): structured YAML about Chinese specialty towns in, GB/T 9704-2012 documents out.
//!
//! The pipeline, one module per stage, data flowing one way (each stage uses only the public
//! items of the stages above it); the modules below are listed in that order.

/// The one finding type every stage reports with.
pub mod diag;

/// Load: content/*.yaml into typed values with source locations.
pub mod model;

/// Check: the towns against the designation standards (data), every finding located.
pub mod check;

/// Assess: the yearly scores and ranking, and whom to commend and supervise.
pub mod assess;

/// Plan: which documents, their contexts, inputs and output paths.
pub mod plan;

/// Render: Typst source from minijinja templates, every value escaped.
pub mod render;

/// Typeset: Typst in-process, one shared font set, ends at laid-out pages.
pub mod typeset;

/// Export: one file per output format (PDF, XLSX, PNG previews).
pub mod export;

/// Archive: atomic writes, the manifest, shard manifests, leftovers.
pub mod archive;

/// Extract: a document's text read back from the file alone (`zyz text`, `zyz diff`).
pub mod extract;
/// Writeback: returned fill-in workbooks (填报表) into the YAML, in place (`zyz import`).
pub mod writeback;

/// The build runner: the stages above as a handful of named steps.
pub mod pipeline;

/// Compare: two git revisions of the content, built in memory, document by document (`zyz diff`).
pub mod compare;

/// The command line (clap).
pub mod cli;

/// One entry function per subcommand.
pub mod cmd;

/// `zyz serve`: the build and watch loop of `zyz watch` plus a local web page of the towns,
/// what is due and every document, following the saves.
pub mod serve;

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
