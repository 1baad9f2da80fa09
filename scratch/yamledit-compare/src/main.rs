//! Issue 24 §4: which in-place YAML editing keeps files more faithfully — zyz's hand-written
//! `src/writeback/yamledit.rs` (with `src/check/proofread/locate.rs` for the fixes' byte spans,
//! both included here by path, unchanged) or the crate yaml-edit 0.3.6 (rowan, lossless)?
//!
//!     cargo run --release -- [--styled] [--max N] LABEL FILE_OR_DIR…
//!
//! For every file (a directory: its *.yaml, recursively) and for its string values (all of them;
//! with --max N, at most N of each category — style, in a flow, multi-line, with a comment —
//! spread over the file), two edits, each made alone on the file by each tool:
//! - `set`: the whole value replaced (what `zyz import` does: a cell, a Word field) — the value
//!   with "（改）" put before its trailing line breaks;
//! - `fix`: one character in the middle of the value replaced by 改 (what `zyz check --fix` does).
//!   zyz splices the located characters (`fix.rs`); yaml-edit can only set the whole value.
//!
//! Tools: `ours` (set: `yamledit::set_paths`; fix: the located byte splice), `yaml-edit` (the
//! value set at its path by `YamlPath::try_set_path` as a `ScalarValue` in the old value's style:
//! plain, single- or double-quoted, literal, folded) and `yaml-edit/str` (the same with a `&str`,
//! yaml-edit choosing the style).
//!
//! Each result is read back by zyz's own parser and judged:
//! - refused: the tool said no (zyz then leaves the value for a person);
//! - broken: no YAML any more (or the tool panicked);
//! - value: some value other than the expected one (the edited one wrong, or another changed);
//! - outside: bytes changed outside the edited scalar (from its first character — quote or
//!   block indicator — to its last, closing quote included);
//! - comment: a comment of the file missing or changed (block headers' comments sit inside the
//!   scalar's extent, so they are compared on their own);
//! - style: the scalar's quoting or block style changed;
//! - faithful: none of these.
//!
//! --styled first rewrites each file (line by line, every k-th `key: value` line) so that its
//! values also stand with a comment on their line, single- and double-quoted, as literal and
//! folded block scalars (one with a comment on its header; one of two lines each), as multi-line plain and
//! double-quoted scalars, and flow sequences and mappings over two lines; a rewrite that does not
//! parse is dropped (counted).

// zyz's own files, unchanged (paths relative to src/).
#[path = "../../../src/model/yaml.rs"]
pub mod yaml_src;
mod model {
    pub(crate) use crate::yaml_src as yaml;
}
#[allow(dead_code)]
mod changes {
    pub enum Edit {
        Set {
            list: &'static str,
            index: usize,
            field: &'static str,
            value: String,
        },
        Append {
            fields: Vec<(&'static str, String)>,
        },
    }
}
#[allow(dead_code)]
#[path = "../../../src/check/proofread/locate.rs"]
mod locate;
#[allow(dead_code)]
#[path = "../../../src/writeback/yamledit.rs"]
mod yamledit;

mod proofread {
    use crate::model::yaml::Pos;

    /// The byte span of the value's bytes `start..end` in the file, and whether the file holds
    /// exactly those bytes there (zyz's `locate::Index::span`).
    pub fn span(
        source: &str,
        text: &str,
        pos: Pos,
        bound: Option<Pos>,
        start: usize,
        end: usize,
    ) -> Option<(usize, usize, bool)> {
        crate::locate::Index::new(source)
            .span(text, pos, bound, start, end)
            .map(|s| (s.start, s.end, s.contiguous))
    }
}

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use model::yaml::{self, Node, Pos, Value};
use yaml_edit::path::YamlPath;
use yaml_edit::{Document, ScalarStyle, ScalarValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

impl Style {
    fn of(c: Option<char>) -> Style {
        match c {
            Some('"') => Style::Double,
            Some('\'') => Style::Single,
            Some('|') => Style::Literal,
            Some('>') => Style::Folded,
            _ => Style::Plain,
        }
    }
    fn yaml_edit(self) -> ScalarStyle {
        match self {
            Style::Plain => ScalarStyle::Plain,
            Style::Single => ScalarStyle::SingleQuoted,
            Style::Double => ScalarStyle::DoubleQuoted,
            Style::Literal => ScalarStyle::Literal,
            Style::Folded => ScalarStyle::Folded,
        }
    }
}

/// A string value of the file and where it stands.
struct Leaf {
    path: String,
    text: String,
    pos: Pos,
    bound: Option<Pos>,
    style: Style,
    /// Byte extent of the scalar in the file (indicator/quotes included).
    start: usize,
    end: usize,
    /// Written inside a flow collection.
    flow: bool,
}

fn offset(text: &str, pos: Pos) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(pos.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = &text[start..];
    start
        + line
            .char_indices()
            .nth(pos.column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
}

fn positions(node: &Node, out: &mut Vec<Pos>) {
    match &node.value {
        Value::Scalar { .. } => out.push(node.pos),
        Value::Seq(items) => items.iter().for_each(|n| positions(n, out)),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            positions(k, out);
            positions(v, out);
        }),
        Value::Alias(_) => {}
    }
}

fn leaves(source: &str, tree: &Node) -> Vec<Leaf> {
    let mut starts = Vec::new();
    positions(tree, &mut starts);
    let mut out = Vec::new();
    let mut next = 0;
    walk(
        source,
        tree,
        String::new(),
        false,
        &starts,
        &mut next,
        &mut out,
    );
    out
}

fn walk(
    source: &str,
    node: &Node,
    path: String,
    flow: bool,
    starts: &[Pos],
    next: &mut usize,
    out: &mut Vec<Leaf>,
) {
    let own_flow = flow
        || matches!(
            source[offset(source, node.pos)..].chars().next(),
            Some('[' | '{')
        );
    match &node.value {
        Value::Scalar { text, .. } => {
            let at = *next;
            *next += 1;
            if text.is_empty() || path.is_empty() {
                return;
            }
            let bound = starts.get(at + 1).copied();
            // yaml-rust2 places a block scalar at its first content line: its extent starts at
            // the indicator
            let (start, style) = match block_header(source, offset(source, node.pos)) {
                Some(found) => found,
                None => {
                    let start = offset(source, node.pos);
                    (start, Style::of(source[start..].chars().next()))
                }
            };
            let Some((_, mut end, _)) =
                proofread::span(source, text, node.pos, bound, 0, text.len())
            else {
                return;
            };
            let quote = match style {
                Style::Double => Some('"'),
                Style::Single => Some('\''),
                _ => None,
            };
            if let Some(q) = quote {
                match source[end..].find(q) {
                    Some(i) => end += i + 1,
                    None => return,
                }
            }
            out.push(Leaf {
                path,
                text: text.clone(),
                pos: node.pos,
                bound,
                style,
                start,
                end,
                flow,
            });
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(
                    source,
                    item,
                    format!("{path}[{i}]"),
                    own_flow,
                    starts,
                    next,
                    out,
                );
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                *next += 1;
                let key = k.scalar().unwrap_or_default();
                let child = if path.is_empty() {
                    key.to_owned()
                } else {
                    format!("{path}.{key}")
                };
                walk(source, v, child, own_flow, starts, next, out);
            }
        }
        Value::Alias(_) => {}
    }
}

/// The indicator (`|-`, `>`, `|2+` …) of the block scalar whose content starts at `at`.
fn block_header(source: &str, at: usize) -> Option<(usize, Style)> {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    if !source[line_start..at].trim().is_empty() || line_start == 0 {
        return None;
    }
    let mut end = line_start - 1;
    loop {
        let prev = source[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &source[prev..end];
        if line.trim().is_empty() {
            if prev == 0 {
                return None;
            }
            end = prev - 1;
            continue;
        }
        let code = line.find(" #").map_or(line, |i| &line[..i]).trim_end();
        let tok = code.rfind(' ').map_or(0, |i| i + 1);
        let t = &code[tok..];
        let mut cs = t.chars();
        let style = match cs.next() {
            Some('|') => Style::Literal,
            Some('>') => Style::Folded,
            _ => return None,
        };
        return cs
            .all(|c| c == '-' || c == '+' || c.is_ascii_digit())
            .then_some((prev + tok, style));
    }
}

/// Every scalar by field path (keys too, as `path#key`), as `fix.rs` compares them.
fn scalars(tree: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    collect(tree, String::new(), &mut out);
    out
}

fn collect(node: &Node, path: String, out: &mut BTreeMap<String, String>) {
    match &node.value {
        Value::Scalar { text, .. } => {
            out.insert(path, text.clone());
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                let key = k.scalar().unwrap_or_default();
                let child = if path.is_empty() {
                    key.to_owned()
                } else {
                    format!("{path}.{key}")
                };
                out.insert(format!("{child}#key"), key.to_owned());
                collect(v, child, out);
            }
        }
        Value::Alias(target) => collect(target, path, out),
    }
}

/// The comments of a text (from a `#` at a line start or after a space, outside quotes), in order.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut quote = None;
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if (c == '"' || c == '\'')
                    && (prev == ' '
                        || prev == '['
                        || prev == '{'
                        || prev == ','
                        || prev == ':') =>
                {
                    quote = Some(c)
                }
                None if c == '#' && (prev == ' ' || prev == '\t' || i == 0) => {
                    out.push(line[i..].trim_end().to_owned());
                    break;
                }
                None => {}
            }
            prev = c;
        }
    }
    out
}

#[derive(Default, Clone)]
struct Tally {
    edits: usize,
    refused: usize,
    broken: usize,
    value: usize,
    outside: usize,
    comment: usize,
    style: usize,
    faithful: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Set,
    Fix,
}

const TOOLS: [&str; 3] = ["ours", "yaml-edit", "yaml-edit/str"];

struct Report {
    by: BTreeMap<(Kind, &'static str, String), Tally>,
    /// files with at least one edit (of any kind) changing bytes outside, a comment, or a value,
    /// or breaking the file, per tool
    bad_files: BTreeMap<&'static str, usize>,
    /// files with at least one edit changing bytes outside the edited scalar, per tool
    outside_files: BTreeMap<&'static str, usize>,
    files: usize,
    examples: BTreeMap<(&'static str, &'static str, String), (String, String)>,
    styled_dropped: usize,
}

fn category(leaf: &Leaf, source: &str) -> String {
    let mut c = format!("{:?}", leaf.style);
    if leaf.flow {
        c += "+flow";
    }
    if source[leaf.start..leaf.end].contains('\n') {
        c += "+multiline";
    }
    let line_end = source[leaf.end..]
        .find('\n')
        .map_or(source.len(), |i| leaf.end + i);
    let header_end = source[leaf.start..]
        .find('\n')
        .map_or(source.len(), |i| leaf.start + i);
    let after = &source[leaf.end..line_end];
    let header = &source[leaf.start..header_end];
    if after.contains(" #")
        || (matches!(leaf.style, Style::Literal | Style::Folded) && header.contains(" #"))
    {
        c += "+comment";
    }
    c
}

/// The new value: "（改）" before the trailing line breaks.
fn set_value(text: &str) -> String {
    let body = text.trim_end_matches('\n');
    format!("{body}（改）{}", &text[body.len()..])
}

/// The character index of the fix: the middle one, or the next that is not white space.
fn fix_at(text: &str) -> Option<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    (chars.len() / 2..chars.len())
        .chain(0..chars.len() / 2)
        .find(|&i| !chars[i].1.is_whitespace() && chars[i].1 != '改')
        .map(|i| (chars[i].0, chars[i].0 + chars[i].1.len_utf8()))
}

fn yaml_edit_set(
    source: &str,
    path: &str,
    value: &str,
    style: Option<Style>,
) -> Result<String, String> {
    let source = source.to_owned();
    let path = path.to_owned();
    let value = value.to_owned();
    std::panic::catch_unwind(move || {
        let doc = Document::from_str(&source).map_err(|e| e.to_string())?;
        match style {
            Some(s) => doc.try_set_path(&path, ScalarValue::with_style(value, s.yaml_edit())),
            None => doc.try_set_path(&path, value.as_str()),
        }
        .map_err(|e| e.to_string())?;
        Ok(doc.to_string())
    })
    .unwrap_or_else(|_| Err("panic".to_owned()))
}

enum Outcome {
    Refused,
    Broken,
    Done(String),
}

fn judge(
    source: &str,
    before: &BTreeMap<String, String>,
    leaf: &Leaf,
    new: &str,
    out: &str,
    t: &mut Tally,
) -> Vec<&'static str> {
    let mut flags = Vec::new();
    let Ok(tree) = yaml::parse(out) else {
        t.broken += 1;
        return vec!["broken"];
    };
    let mut expected = before.clone();
    expected.insert(leaf.path.clone(), new.to_owned());
    if scalars(&tree) != expected {
        t.value += 1;
        flags.push("value");
    }
    let (a, b) = (source.as_bytes(), out.as_bytes());
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let limit = a.len().min(b.len()) - p;
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(limit)
        .take_while(|(x, y)| x == y)
        .count();
    let changed_end = a.len() - s;
    if (p < changed_end || a.len() != b.len()) && (p < leaf.start || changed_end > leaf.end) {
        t.outside += 1;
        flags.push("outside");
    }
    if comments(source) != comments(out) {
        t.comment += 1;
        flags.push("comment");
    }
    let new_start = if p != leaf.start {
        None
    } else {
        out.get(leaf.start..).and_then(|s| s.chars().next())
    };
    if let Some(c) = new_start
        && Style::of(Some(c)) != leaf.style
    {
        t.style += 1;
        flags.push("style");
    }
    if flags.is_empty() {
        t.faithful += 1;
    }
    flags
}

fn run_file(source: &str, max: Option<usize>, report: &mut Report) {
    let Ok(tree) = yaml::parse(source) else {
        eprintln!("does not parse; skipped");
        return;
    };
    let before = scalars(&tree);
    let mut all = leaves(source, &tree);
    if let Some(max) = max {
        // at most `max` values of each category (style, flow, multi-line, comment), spread over
        // the file
        let mut by: BTreeMap<String, Vec<Leaf>> = BTreeMap::new();
        for l in all {
            by.entry(category(&l, source)).or_default().push(l);
        }
        all = by
            .into_values()
            .flat_map(|v| {
                let step = v.len().div_ceil(max).max(1);
                v.into_iter().step_by(step).take(max)
            })
            .collect();
    }
    report.files += 1;
    let mut bad: BTreeMap<&'static str, bool> = BTreeMap::new();
    let mut outside: BTreeMap<&'static str, bool> = BTreeMap::new();
    for leaf in &all {
        let cat = category(leaf, source);
        for kind in [Kind::Set, Kind::Fix] {
            let (new, fix) = match kind {
                Kind::Set => (set_value(&leaf.text), None),
                Kind::Fix => {
                    let Some((s, e)) = fix_at(&leaf.text) else {
                        continue;
                    };
                    (
                        format!("{}改{}", &leaf.text[..s], &leaf.text[e..]),
                        Some((s, e)),
                    )
                }
            };
            for tool in TOOLS {
                let outcome = match (tool, fix) {
                    ("ours", None) => {
                        match yamledit::set_paths(source, &[(leaf.path.clone(), new.clone())]) {
                            Ok(s) => Outcome::Done(s),
                            Err(_) => Outcome::Refused,
                        }
                    }
                    ("ours", Some((s, e))) => {
                        match proofread::span(source, &leaf.text, leaf.pos, leaf.bound, s, e) {
                            Some((fs, fe, true)) => {
                                Outcome::Done(format!("{}改{}", &source[..fs], &source[fe..]))
                            }
                            _ => Outcome::Refused,
                        }
                    }
                    (_, _) => {
                        let style = (tool == "yaml-edit").then_some(leaf.style);
                        match yaml_edit_set(source, &leaf.path, &new, style) {
                            Ok(s) => Outcome::Done(s),
                            Err(e) if e == "panic" => Outcome::Broken,
                            Err(_) => Outcome::Refused,
                        }
                    }
                };
                let t = report.by.entry((kind, tool, cat.clone())).or_default();
                t.edits += 1;
                match outcome {
                    Outcome::Refused => t.refused += 1,
                    Outcome::Broken => {
                        t.broken += 1;
                        bad.insert(tool, true);
                    }
                    Outcome::Done(out) => {
                        let flags = judge(source, &before, leaf, &new, &out, t);
                        if flags.iter().any(|f| *f != "style") {
                            bad.insert(tool, true);
                        }
                        if flags.contains(&"outside") {
                            outside.insert(tool, true);
                        }
                        for f in flags {
                            report
                                .examples
                                .entry((tool, f, cat.clone()))
                                .or_insert_with(|| {
                                    (
                                        source[leaf.start..leaf.end].to_owned(),
                                        excerpt(source, &out),
                                    )
                                });
                        }
                    }
                }
            }
        }
    }
    for tool in TOOLS {
        if bad.get(tool).copied().unwrap_or(false) {
            *report.bad_files.entry(tool).or_default() += 1;
        }
        if outside.get(tool).copied().unwrap_or(false) {
            *report.outside_files.entry(tool).or_default() += 1;
        }
    }
}

/// The changed lines of `out` against `source` (first and last differing line, ±1).
fn excerpt(source: &str, out: &str) -> String {
    let a: Vec<&str> = source.lines().collect();
    let b: Vec<&str> = out.lines().collect();
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let from = first.saturating_sub(1);
    let a_to = (a.len().saturating_sub(tail) + 1).min(a.len());
    let b_to = (b.len().saturating_sub(tail) + 1).min(b.len());
    let mut s = String::new();
    for l in &a[from..a_to.max(from)] {
        s += &format!("-{l}\n");
    }
    for l in &b[from..b_to.max(from)] {
        s += &format!("+{l}\n");
    }
    s
}

/// The file with some values rewritten in other styles (see the module's comment).
fn styled(text: &str) -> String {
    let mut out = String::new();
    let mut k = 0usize;
    let mut flows = 0usize;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let nl = &line[body.len()..];
        let indent = body.len() - body.trim_start().len();
        let rest = &body[indent..];
        let (dash, rest) = match rest.strip_prefix("- ") {
            Some(r) => ("- ", r),
            None => ("", rest),
        };
        let key_col = indent + dash.len();
        let ind = " ".repeat(key_col + 2);
        let Some((key, value)) = rest.split_once(": ") else {
            out += line;
            continue;
        };
        let simple_key =
            !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let value = value.trim_end();
        if !simple_key || value.is_empty() || value.contains(" #") {
            out += line;
            continue;
        }
        let prefix = format!("{}{dash}{key}: ", " ".repeat(indent));
        // flow collections over two lines, every other one
        if (value.starts_with('[') && value.ends_with(']')
            || value.starts_with('{') && value.ends_with('}'))
            && value.contains(", ")
        {
            flows += 1;
            if flows % 2 == 1 {
                let (a, b) = value.split_once(", ").unwrap();
                out += &format!("{prefix}{a},\n{ind}{b}{nl}");
            } else {
                out += line;
            }
            continue;
        }
        if dash.is_empty() && value.starts_with('{') {
            out += line;
            continue;
        }
        if "[{\"'|>&*!#%@`-?:,".contains(value.chars().next().unwrap()) || value.contains(": ") {
            out += line;
            continue;
        }
        k += 1;
        let chars: Vec<char> = value.chars().collect();
        let mid = chars.len() / 2;
        let (a, b): (String, String) =
            (chars[..mid].iter().collect(), chars[mid..].iter().collect());
        let splittable = chars.len() >= 4
            && !value.contains(' ')
            && !"-#?:,[]{}&*!|>'\"%@`".contains(chars[mid])
            && !a.ends_with(':');
        let new = match k % 10 {
            1 => format!("{body}  # 备注{k}{nl}"),
            2 => format!("{prefix}'{}'{nl}", value.replace('\'', "''")),
            3 => format!("{prefix}{}{nl}", serde_json::to_string(value).unwrap()),
            4 => format!("{prefix}|-\n{ind}{value}{nl}"),
            5 => format!("{prefix}>-  # 备注{k}\n{ind}{value}{nl}"),
            6 if splittable => format!("{prefix}{a}\n{ind}{b}{nl}"),
            7 if splittable => format!(
                "{prefix}{}\n{ind}{}{nl}",
                serde_json::to_string(&a).unwrap().trim_end_matches('"'),
                serde_json::to_string(&b).unwrap().trim_start_matches('"')
            ),
            8 if splittable => format!("{prefix}|\n{ind}{a}\n{ind}{b}{nl}"),
            9 if splittable => format!("{prefix}>-\n{ind}{a}\n\n{ind}{b}{nl}"),
            _ => line.to_owned(),
        };
        out += &new;
    }
    out
}

fn files(arg: &Path, out: &mut Vec<PathBuf>) {
    if arg.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(arg)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if arg.extension().is_some_and(|e| e == "yaml") {
        out.push(arg.to_owned());
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let styled_mode = args.first().is_some_and(|a| a == "--styled");
    if styled_mode {
        args.remove(0);
    }
    let mut max = None;
    if args.first().is_some_and(|a| a == "--max") {
        max = Some(args[1].parse().unwrap());
        args.drain(..2);
    }
    let label = args.remove(0);
    let mut paths = Vec::new();
    for a in &args {
        files(Path::new(a), &mut paths);
    }
    let mut report = Report {
        by: BTreeMap::new(),
        bad_files: BTreeMap::new(),
        outside_files: BTreeMap::new(),
        files: 0,
        examples: BTreeMap::new(),
        styled_dropped: 0,
    };
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        let text = if styled_mode {
            let s = styled(&text);
            if yaml::parse(&s).is_ok() {
                s
            } else {
                report.styled_dropped += 1;
                if std::env::var_os("SHOW_DROPPED").is_some() {
                    eprintln!(
                        "{}: {:?}",
                        p.display(),
                        yaml::parse(&s).err().map(|e| (e.pos, e.message))
                    );
                }
                text
            }
        } else {
            text
        };
        run_file(&text, max, &mut report);
    }
    println!(
        "== {label}: {} files{}",
        report.files,
        if styled_mode {
            format!(" (styled; {} rewrites dropped)", report.styled_dropped)
        } else {
            String::new()
        }
    );
    for kind in [Kind::Set, Kind::Fix] {
        for tool in TOOLS {
            let mut sum = Tally::default();
            for ((k, t, _), v) in &report.by {
                if *k == kind && *t == tool {
                    sum.edits += v.edits;
                    sum.refused += v.refused;
                    sum.broken += v.broken;
                    sum.value += v.value;
                    sum.outside += v.outside;
                    sum.comment += v.comment;
                    sum.style += v.style;
                    sum.faithful += v.faithful;
                }
            }
            println!(
                "{kind:?} {tool:<14} edits {:>6}  faithful {:>6}  refused {:>5}  outside {:>5}  comment {:>4}  style {:>4}  value {:>4}  broken {:>4}",
                sum.edits,
                sum.faithful,
                sum.refused,
                sum.outside,
                sum.comment,
                sum.style,
                sum.value,
                sum.broken
            );
        }
    }
    for tool in TOOLS {
        println!(
            "files with an edit changing bytes outside the edited value, {tool}: {} of {}; with any defect (outside, comment, value, broken): {}",
            report.outside_files.get(tool).copied().unwrap_or(0),
            report.files,
            report.bad_files.get(tool).copied().unwrap_or(0)
        );
    }
    println!("-- by category (edits: faithful/refused/outside/comment/style/value/broken)");
    for ((kind, tool, cat), t) in &report.by {
        println!(
            "{kind:?} {tool:<14} {cat:<28} {:>5}: {}/{}/{}/{}/{}/{}/{}",
            t.edits, t.faithful, t.refused, t.outside, t.comment, t.style, t.value, t.broken
        );
    }
    if std::env::var_os("EXAMPLES").is_some() {
        for ((tool, flag, cat), (scalar, diff)) in &report.examples {
            println!("--- {tool} {flag} {cat}: {scalar:?}\n{diff}");
        }
    }
}
