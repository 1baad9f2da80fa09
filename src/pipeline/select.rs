//! Pipeline, the selection: which planned documents `--kind`, `--town`, `--shard` (and `zyz
//! issue`) ask for, and the usage error for a selection that would quietly build nothing.

use super::{Prepared, Session};
use crate::archive::{self, Entry};
use crate::plan::{self, Doc};

impl Session {
    /// `--town` with `--kind`: a kind the town has no document of would quietly build nothing, so
    /// it is a usage error saying what the town has. A town whose file does not load has no
    /// documents now; the build says why, so it is not reported here.
    pub(super) fn unselectable(&self, prepared: &Prepared) -> Option<String> {
        let o = &self.options;
        if o.kinds.is_empty() || !o.issuing.is_empty() {
            return None;
        }
        o.towns
            .iter()
            .filter(|town| !prepared.broken_towns.contains(*town))
            .find_map(|town| {
                let has: Vec<&str> = plan::KINDS
                    .into_iter()
                    .filter(|k| {
                        prepared
                            .docs
                            .iter()
                            .any(|d| d.kind == *k && d.town.as_ref() == Some(town))
                    })
                    .collect();
                let kind = o.kinds.iter().find(|k| !has.contains(&k.as_str()))?;
                Some(no_such_document(prepared, town, kind, &has))
            })
    }

    pub(super) fn selects(&self, doc: &Doc) -> bool {
        self.selects_parts(doc.kind, doc.town.as_deref(), &doc.path)
    }

    pub(super) fn selects_entry(&self, entry: &Entry) -> bool {
        self.selects_parts(&entry.kind, entry.town.as_deref(), &entry.path)
    }

    pub(super) fn selects_parts(&self, kind: &str, town: Option<&str>, path: &str) -> bool {
        let o = &self.options;
        (o.issuing.is_empty() || o.issuing.contains(path))
            && (o.kinds.is_empty() || o.kinds.iter().any(|k| k == kind))
            && (o.towns.is_empty() || town.is_some_and(|t| o.towns.iter().any(|x| x == t)))
            && o.shard
                .is_none_or(|(k, n)| archive::manifest::shard_of(path, n) == k)
    }
}

/// "--town T --kind K: town `T` has no `K` document (hint: …)".
fn no_such_document(prepared: &Prepared, town: &str, kind: &str, has: &[&str]) -> String {
    let city_wide = prepared
        .docs
        .iter()
        .any(|d| d.kind == kind && d.town.is_none());
    format!(
        "--town {town} --kind {kind}: town `{town}` has no `{kind}` document (hint: {}{})",
        if has.is_empty() {
            format!("`{town}` has no documents this year")
        } else {
            format!("its documents are: {}", has.join(", "))
        },
        if city_wide {
            format!("; `{kind}` is city-wide: build it without --town")
        } else {
            String::new()
        }
    )
}
