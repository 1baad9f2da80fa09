//! The shipped rule file (`rules.yaml`, compiled in): every rule's id, what it looks for, the
//! suggested form, its severity and the clause it comes from; the shipped word list; the
//! placeholders `zyz new town` writes.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::diag::Severity;
use crate::model::proofread::WordPair;

/// The rule file as shipped.
pub const RULES_YAML: &str = include_str!("rules.yaml");

/// The parsed rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub rules: Vec<Rule>,
    pub words: Vec<WordPair>,
    pub placeholders: Vec<Placeholder>,
}

/// One rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub family: String,
    pub looks_for: String,
    pub suggest: String,
    pub severity: Level,
    pub clause: String,
    pub fix: FixKind,
}

/// A rule's shipped severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    pub fn severity(self) -> Severity {
        match self {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

/// Whether `zyz check --fix` may apply the rule's suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    Safe,
    None,
}

/// A value `zyz new town` writes as a placeholder; `fields` (bare paths) limits where it counts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placeholder {
    pub text: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// The shipped rules, parsed once (a test checks the file parses and every family has code).
pub static RULES: LazyLock<Rules> = LazyLock::new(|| {
    serde_yaml::from_str(RULES_YAML).expect("src/check/proofread/rules.yaml is valid")
});

impl Rules {
    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}
