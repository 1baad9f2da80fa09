//! `zyz schema [town|city|standard|plan|assessment|register|proofread|opinions]`: print the JSON Schema of a content file, for editors
//! (`# yaml-language-server: $schema=...`). Derived from the serde types, so the two agree.

use crate::Exit;
use crate::cli::SchemaArgs;
use crate::model::{Assessment, City, CityPlan, Opinions, Proofread, Register, Standard, Town};

/// The kinds of content file with a schema.
pub const KINDS: [&str; 8] = [
    "town",
    "city",
    "standard",
    "plan",
    "assessment",
    "register",
    "proofread",
    "opinions",
];

/// The JSON Schema of one kind of content file.
pub fn schema(which: &str) -> Option<serde_json::Value> {
    let schema = match which {
        "town" => schemars::schema_for!(Town),
        "city" => schemars::schema_for!(City),
        "standard" => schemars::schema_for!(Standard),
        "plan" => schemars::schema_for!(CityPlan),
        "assessment" => schemars::schema_for!(Assessment),
        "register" => schemars::schema_for!(Register),
        "proofread" => schemars::schema_for!(Proofread),
        "opinions" => schemars::schema_for!(Opinions),
        _ => return None,
    };
    Some(schema.to_value())
}

/// Entry point of `zyz schema`.
pub fn run(args: &SchemaArgs) -> anyhow::Result<Exit> {
    let Some(value) = schema(&args.which) else {
        anyhow::bail!(
            "unknown schema `{}` (可选：{})",
            args.which,
            KINDS.join(", ")
        );
    };
    let text = serde_json::to_string_pretty(&value)? + "\n";
    let mut out = std::io::stdout().lock();
    match std::io::Write::write_all(&mut out, text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(Exit::Success),
    }
}
