//! Serve, 检查: every finding of the last build, grouped by file, each shown as `zyz check`
//! prints it (the rule, the message, the file and line, the YAML line with a caret, the hint).

use std::collections::BTreeMap;

use minijinja::context;
use serde::Serialize;

use super::Pages;
use crate::serve::http::Reply;

#[derive(Serialize)]
struct Group {
    file: String,
    errors: usize,
    warnings: usize,
    findings: Vec<Shown>,
}

#[derive(Serialize)]
struct Shown {
    class: &'static str,
    text: String,
}

impl Pages<'_> {
    /// `/check`.
    pub fn check(&self) -> Reply {
        let snapshot = self.state.snapshot();
        let mut groups: BTreeMap<String, Group> = BTreeMap::new();
        let failed = snapshot.failed.values().flatten();
        for d in snapshot.findings.iter().chain(failed) {
            let file = d.file.display().to_string();
            let group = groups.entry(file.clone()).or_insert_with(|| Group {
                file,
                errors: 0,
                warnings: 0,
                findings: Vec::new(),
            });
            if d.is_error() {
                group.errors += 1;
            } else {
                group.warnings += 1;
            }
            group.findings.push(Shown {
                class: d.severity.label(),
                text: d.render(snapshot.source_of(d), false),
            });
        }
        let groups: Vec<Group> = groups.into_values().collect();
        let errors: usize = groups.iter().map(|g| g.errors).sum();
        let warnings: usize = groups.iter().map(|g| g.warnings).sum();
        self.render(
            &snapshot,
            "check.html",
            context! { groups => groups, errors => errors, warnings => warnings, page => "check" },
        )
    }
}
