//! Compare stage, text: two versions of a document's text compared block by block (paragraph,
//! heading, table row) and, within a changed block or cell, character by character — Chinese has
//! no spaces to split words at.

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp};

use crate::extract::{Block, Extracted, Kind};

/// Where in the document a change is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// `paragraph`, `heading`, `row` (a whole table row) or `cell`.
    pub what: &'static str,
    /// The page (of the new version; of the old one for a removed block).
    pub page: usize,
    /// The paragraph's or heading's number, counted from the document's start (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The column's header text, when the table has a header row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_name: Option<String>,
}

/// A run of characters in a changed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// `equal`, `delete` or `insert`.
    pub op: &'static str,
    pub text: String,
}

/// One changed place: old and new text (`None` for an added or removed block) and the runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub place: Place,
    pub old: Option<String>,
    pub new: Option<String>,
    pub spans: Vec<Span>,
}

/// The changes from `old` to `new`: blocks matched by their text, changed ones compared by
/// character (rows of the same shape cell by cell).
pub fn changes(old: &Extracted, new: &Extracted) -> Vec<Change> {
    let old_text: Vec<String> = old.blocks.iter().map(Block::text).collect();
    let new_text: Vec<String> = new.blocks.iter().map(Block::text).collect();
    let mut out = Vec::new();
    for (olds, news) in hunks(&similar::capture_diff_slices(
        Algorithm::Patience,
        &old_text,
        &new_text,
    )) {
        let paired = olds.len().min(news.len());
        for k in 0..paired {
            out.extend(changed(old, olds.start + k, new, news.start + k));
        }
        for i in olds.start + paired..olds.end {
            out.push(whole(old, i, "delete"));
        }
        for j in news.start + paired..news.end {
            out.push(whole(new, j, "insert"));
        }
    }
    out
}

type Range = std::ops::Range<usize>;

/// Consecutive non-equal operations merged into (old range, new range) hunks.
fn hunks(ops: &[DiffOp]) -> Vec<(Range, Range)> {
    let mut out: Vec<(Range, Range)> = Vec::new();
    let mut open = false;
    for op in ops {
        if let DiffOp::Equal { .. } = op {
            open = false;
            continue;
        }
        let (o, n) = (op.old_range(), op.new_range());
        match out.last_mut() {
            Some(last) if open => {
                last.0.end = o.end;
                last.1.end = n.end;
            }
            _ => out.push((o, n)),
        }
        open = true;
    }
    out
}

/// A block changed in place: by cell when both are rows of as many cells, else as a whole.
fn changed(old: &Extracted, i: usize, new: &Extracted, j: usize) -> Vec<Change> {
    let (a, b) = (&old.blocks[i], &new.blocks[j]);
    let same_shape = matches!((a.kind, b.kind), (Kind::Row { .. }, Kind::Row { .. }))
        && a.cells.len() == b.cells.len();
    if !same_shape {
        let mut place = place(new, j);
        place.page = b.page;
        return vec![change(place, Some(a.text()), Some(b.text()))];
    }
    let header = new.header_of(j);
    let mut out = Vec::new();
    for (column, (x, y)) in a.cells.iter().zip(&b.cells).enumerate() {
        if x == y {
            continue;
        }
        let mut place = place(new, j);
        place.what = "cell";
        place.column = Some(column + 1);
        place.column_name = header.and_then(|h| h.cells.get(column)).cloned();
        out.push(change(place, Some(x.clone()), Some(y.clone())));
    }
    out
}

/// A block added (`insert`) or removed (`delete`) whole.
fn whole(doc: &Extracted, index: usize, op: &'static str) -> Change {
    let text = doc.blocks[index].text();
    let (old, new) = if op == "delete" {
        (Some(text.clone()), None)
    } else {
        (None, Some(text.clone()))
    };
    Change {
        place: place(doc, index),
        old,
        new,
        spans: vec![Span { op, text }],
    }
}

fn change(place: Place, old: Option<String>, new: Option<String>) -> Change {
    let spans = spans(old.as_deref().unwrap_or(""), new.as_deref().unwrap_or(""));
    Change {
        place,
        old,
        new,
        spans,
    }
}

/// Where block `index` is.
fn place(doc: &Extracted, index: usize) -> Place {
    let block = &doc.blocks[index];
    let mut place = Place {
        what: "paragraph",
        page: block.page,
        number: None,
        table: None,
        row: None,
        column: None,
        column_name: None,
    };
    match block.kind {
        Kind::Row { table, row, .. } => {
            place.what = "row";
            place.table = Some(table);
            place.row = Some(row);
        }
        kind => {
            place.what = if kind == Kind::Heading {
                "heading"
            } else {
                "paragraph"
            };
            let before = doc.blocks[..index].iter();
            place.number = Some(
                1 + before
                    .filter(|b| !matches!(b.kind, Kind::Row { .. }))
                    .count(),
            );
        }
    }
    place
}

/// The character runs from `old` to `new`. A run of one equal character between two changes is
/// folded into them, so a replaced word reads as one deletion and one insertion
/// (市[-农业农村-]{+工业和信息化+}局, not a word cut at each shared character).
pub fn spans(old: &str, new: &str) -> Vec<Span> {
    let raw = similar::utils::diff_chars(Algorithm::Myers, old, new);
    let mut runs: Vec<(ChangeTag, String)> = Vec::new();
    for (tag, text) in raw {
        match runs.last_mut() {
            Some((t, s)) if *t == tag => s.push_str(text),
            _ => runs.push((tag, text.to_owned())),
        }
    }
    let runs = fold_short_equals(runs);
    runs.into_iter()
        .map(|(tag, text)| Span {
            op: match tag {
                ChangeTag::Equal => "equal",
                ChangeTag::Delete => "delete",
                ChangeTag::Insert => "insert",
            },
            text,
        })
        .collect()
}

/// Folds one-character equal runs lying between changes into a deletion and an insertion, then
/// orders each change as deletion before insertion.
fn fold_short_equals(runs: Vec<(ChangeTag, String)>) -> Vec<(ChangeTag, String)> {
    let mut out: Vec<(ChangeTag, String)> = Vec::new();
    let (mut del, mut ins) = (String::new(), String::new());
    let n = runs.len();
    for (k, (tag, text)) in runs.into_iter().enumerate() {
        let inside = k > 0 && k + 1 < n && (!del.is_empty() || !ins.is_empty());
        match tag {
            ChangeTag::Delete => del.push_str(&text),
            ChangeTag::Insert => ins.push_str(&text),
            ChangeTag::Equal if inside && text.chars().count() == 1 => {
                del.push_str(&text);
                ins.push_str(&text);
            }
            ChangeTag::Equal => {
                flush_change(&mut out, &mut del, &mut ins);
                out.push((ChangeTag::Equal, text));
            }
        }
    }
    flush_change(&mut out, &mut del, &mut ins);
    out
}

fn flush_change(out: &mut Vec<(ChangeTag, String)>, del: &mut String, ins: &mut String) {
    if !del.is_empty() {
        out.push((ChangeTag::Delete, std::mem::take(del)));
    }
    if !ins.is_empty() {
        out.push((ChangeTag::Insert, std::mem::take(ins)));
    }
}

/// The runs as one line: `[-deleted-]` and `{+inserted+}` (git's word-diff notation).
pub fn marked(spans: &[Span]) -> String {
    let mut out = String::new();
    for span in spans {
        match span.op {
            "delete" => out.push_str(&format!("[-{}-]", span.text)),
            "insert" => out.push_str(&format!("{{+{}+}}", span.text)),
            _ => out.push_str(&span.text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replaced_unit_reads_as_one_deletion_and_one_insertion() {
        let spans = spans("由市农业农村局牵头", "由市工业和信息化局牵头");
        assert_eq!(marked(&spans), "由市[-农业农村-]{+工业和信息化+}局牵头");
    }

    #[test]
    fn a_changed_figure() {
        assert_eq!(
            marked(&spans("产值1.6亿元", "产值1.8亿元")),
            "产值1.[-6-]{+8+}亿元"
        );
    }
}
