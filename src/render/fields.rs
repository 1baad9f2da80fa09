//! Render stage, fields: for the Word draft, every string of a document's context that comes from
//! the content is marked with where it comes from — its file and field path, the identity
//! `zyz import` works with (`towns/kaizhang.yaml#tasks[0].lead`) — so the template prints it as
//! `#zyz-field(N)[…]`: a content control in the DOCX, the plain value on paged targets. Like the
//! redline marks ([`super::mark`]) the identity travels through the templates inside the string,
//! between private-use marks; the `str`, `cn_date` and `money` filters take it out.
//!
//! Where a value comes from is found by value: the document's input files are parsed with their
//! node paths, and a context string equal to a scalar (or to a date scalar written the Chinese
//! way, `2025年12月31日`) is that scalar's; among several scalars of the same text the one whose
//! path shares most keys and indices with the context path wins (`doc.tasks[2].lead` is
//! `tasks[2].lead`). Strings the plan stage composes (`1．…；2．…`, joined lists, statuses) match
//! no scalar and stay template text.

use std::collections::HashMap;

use serde_json::Value;

use crate::model::Date;
use crate::model::yaml::{self, Node, Value as Yaml};

/// Typst put before a marked document's source: `zyz-field` makes a value a `<span
/// data-zyz="value" data-n="N">` on the HTML target (the DOCX writer's content control) and is
/// just the value where content is laid out (paged targets, and cells measured in the HTML one).
/// It stands outside `templates/`, so a document's input hash and its PDF do not change.
pub const PREAMBLE: &str = "#let zyz-field(n, body) = context if target() == \"html\" {\n  \
  html.elem(\"span\", attrs: (\"data-zyz\": \"value\", \"data-n\": str(n)), body)\n} else { body }\n";

/// Opens a marked value; the field's number follows, then [`SEP`], the value and [`CLOSE`].
const OPEN: char = '\u{F8F4}';
const SEP: char = '\u{F8F5}';
const CLOSE: char = '\u{F8F6}';

/// One value of the content a document shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// `towns/kaizhang.yaml#tasks[0].lead`: the file (relative to the content folder) and path.
    pub tag: String,
    /// The field's Chinese name (牵头单位, 量化目标 …), or its key.
    pub alias: String,
    /// The scalar's text in the YAML.
    pub value: String,
    /// The text the document shows (the value, or a date the Chinese way).
    pub shown: String,
    /// The scalar's line in its file.
    pub line: usize,
}

/// One path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A scalar of an input file.
struct Leaf {
    file: String,
    path: Vec<Seg>,
    value: String,
    line: usize,
}

/// `context` with every string from the content marked, and the fields by number. `sources`:
/// each input file's path relative to the content folder (`/`-separated) and its text.
pub fn mark(context: &Value, sources: &[(String, String)]) -> (Value, Vec<Field>) {
    let mut leaves = Vec::new();
    for (file, text) in sources {
        if let Ok(root) = yaml::parse(text) {
            collect(file, &root, &mut Vec::new(), &mut leaves);
        }
    }
    let mut by_text: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for (i, leaf) in leaves.iter().enumerate() {
        by_text
            .entry(leaf.value.clone())
            .or_default()
            .push((i, leaf.value.clone()));
        if let Ok(date) = Date::parse(&leaf.value) {
            by_text
                .entry(date.to_chinese())
                .or_default()
                .push((i, date.to_chinese()));
        }
    }
    let mut marker = Marker {
        leaves: &leaves,
        by_text: &by_text,
        fields: Vec::new(),
    };
    let marked = marker.walk(context, &mut Vec::new());
    (marked, marker.fields)
}

fn collect(file: &str, node: &Node, path: &mut Vec<Seg>, out: &mut Vec<Leaf>) {
    match &node.value {
        Yaml::Scalar { text, .. } if !node.is_null() && !text.trim().is_empty() => out.push(Leaf {
            file: file.to_owned(),
            path: path.clone(),
            value: text.clone(),
            line: node.pos.line,
        }),
        Yaml::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                collect(file, item, path, out);
                path.pop();
            }
        }
        Yaml::Map(entries) => {
            for (key, value) in entries {
                let Some(key) = key.scalar() else { continue };
                path.push(Seg::Key(key.to_owned()));
                collect(file, value, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

struct Marker<'a> {
    leaves: &'a [Leaf],
    by_text: &'a HashMap<String, Vec<(usize, String)>>,
    fields: Vec<Field>,
}

impl Marker<'_> {
    fn walk(&mut self, value: &Value, path: &mut Vec<Seg>) -> Value {
        match value {
            Value::String(text) => match self.source(text, path) {
                Some(field) => {
                    let n = self.fields.len();
                    self.fields.push(field);
                    Value::String(format!("{OPEN}{n}{SEP}{text}{CLOSE}"))
                }
                None => value.clone(),
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        path.push(Seg::Index(i));
                        let out = self.walk(item, path);
                        path.pop();
                        out
                    })
                    .collect(),
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        path.push(Seg::Key(k.clone()));
                        let out = self.walk(v, path);
                        path.pop();
                        (k.clone(), out)
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The scalar a context string shows: the best-matching path among those of its text.
    fn source(&self, text: &str, path: &[Seg]) -> Option<Field> {
        let candidates = self.by_text.get(text)?;
        let (i, shown) = candidates
            .iter()
            .max_by_key(|(i, _)| (score(&self.leaves[*i].path, path), usize::MAX - i))?;
        let leaf = &self.leaves[*i];
        Some(Field {
            tag: format!("{}#{}", leaf.file, path_text(&leaf.path)),
            alias: alias(&leaf.path).to_owned(),
            value: leaf.value.clone(),
            shown: shown.clone(),
            line: leaf.line,
        })
    }
}

/// How well a scalar's path fits a context path: its segments found in order from the end (the
/// last key twice as much).
fn score(leaf: &[Seg], context: &[Seg]) -> usize {
    let mut at = context.len();
    let mut score = 0;
    for (k, seg) in leaf.iter().rev().enumerate() {
        if let Some(found) = context[..at].iter().rposition(|s| s == seg) {
            score += if k == 0 && found + 1 == context.len() {
                2
            } else {
                1
            };
            at = found;
        }
    }
    score
}

/// `tasks[0].lead`.
pub fn path_text(path: &[impl AsSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg.as_seg() {
            (Some(key), _) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            (None, i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A path segment as (key, index).
pub trait AsSeg {
    fn as_seg(&self) -> (Option<&str>, usize);
}

impl AsSeg for Seg {
    fn as_seg(&self) -> (Option<&str>, usize) {
        match self {
            Seg::Key(k) => (Some(k), 0),
            Seg::Index(i) => (None, *i),
        }
    }
}

/// The Chinese name of the field at `path`: its last key's (a list item: the list's).
fn alias(path: &[Seg]) -> &str {
    let Some(key) = path.iter().rev().find_map(|s| match s {
        Seg::Key(k) => Some(k.as_str()),
        Seg::Index(_) => None,
    }) else {
        return "值";
    };
    let in_tasks = path.first() == Some(&Seg::Key("tasks".into()));
    match key {
        "title" if in_tasks => "重点任务",
        "lead" => "牵头单位",
        "target" => "量化目标",
        "deadline" if in_tasks => "完成时限",
        "deadline" => "整改时限",
        "support" => "配合单位",
        "responsible" => "责任人",
        "measures" => "具体措施",
        "q1" => "一季度节点",
        "q2" => "二季度节点",
        "q3" => "三季度节点",
        "q4" => "四季度节点",
        "title" => "标题",
        "subtitle" => "副标题",
        "name" => "名称",
        "short" => "简称",
        "specialty_name" => "专业镇名称",
        "leading_industry" => "主导产业",
        "products" => "主要产品",
        "kind" => "类别",
        "category" => "产业类型",
        "person" => "责任人",
        "unit" => "责任单位",
        "description" => "问题描述",
        "source" => "来源",
        "found" => "发现时间",
        "closed_on" => "销号日期",
        "status" => "状态",
        "progress" => "进度",
        "indicator" => "指标",
        "value" => "目标值",
        "phone" => "联系电话",
        "industry" | "brand" | "plan" | "policy" => "申报说明",
        "honours" => "荣誉",
        "text" | "body" | "wording" => "正文",
        "organ" => "发文机关",
        "date" | "document_date" => "成文日期",
        "note" => "附注",
        "cc" => "抄送",
        "recipients" => "主送机关",
        other => other,
    }
}

/// The text with its field marks taken out (code context, filters that parse the value).
pub fn strip(text: &str) -> String {
    if !text.contains(OPEN) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars() {
        match c {
            OPEN => in_number = true,
            SEP => in_number = false,
            CLOSE => {}
            c if !in_number => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `text` carries field marks.
pub fn has_fields(text: &str) -> bool {
    text.contains(OPEN)
}

/// Typst markup for a marked text: each field as `#zyz-field(N)[…]`, every run escaped by
/// `escape`.
pub fn markup(text: &str, escape: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        out.push_str(&escape(&rest[..open]));
        let after = &rest[open + OPEN.len_utf8()..];
        let (Some(sep), Some(close)) = (after.find(SEP), after.find(CLOSE)) else {
            rest = after;
            continue;
        };
        let n = &after[..sep];
        let value = &after[sep + SEP.len_utf8()..close];
        out.push_str(&format!("#zyz-field({n})[{}]", escape(value)));
        rest = &after[close + CLOSE.len_utf8()..];
    }
    out.push_str(&escape(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_from_the_content_are_marked_with_their_best_path() {
        let town = "name: 开张镇\ntasks:\n  - lead: 市工科局\n    deadline: 2025-12-31\n  - lead: 市工科局\n";
        let context = json!({
            "town": {"name": "开张镇"},
            "doc": {"tasks": [{"lead": "市工科局", "deadline": "2025年12月31日", "status": "进行中（55%）"},
                              {"lead": "市工科局"}]},
        });
        let (marked, fields) = mark(&context, &[("towns/k.yaml".into(), town.into())]);
        let tags: Vec<&str> = fields.iter().map(|f| f.tag.as_str()).collect();
        assert_eq!(
            tags,
            [
                "towns/k.yaml#tasks[0].deadline",
                "towns/k.yaml#tasks[0].lead",
                "towns/k.yaml#tasks[1].lead",
                "towns/k.yaml#name"
            ]
        );
        assert_eq!(fields[0].alias, "完成时限");
        assert_eq!(fields[0].value, "2025-12-31");
        assert_eq!(fields[0].shown, "2025年12月31日");
        assert_eq!(marked["doc"]["tasks"][0]["status"], json!("进行中（55%）"));
        let lead = marked["doc"]["tasks"][1]["lead"].as_str().unwrap();
        assert_eq!(strip(lead), "市工科局");
        assert_eq!(
            markup(&format!("由{lead}牵头"), crate::render::escape::markup),
            "由#zyz-field(2)[市工科局]牵头"
        );
    }

    #[test]
    fn a_hostile_value_stays_escaped_inside_its_field() {
        let (marked, _) = mark(
            &json!({"x": "#x]"}),
            &[("a.yaml".into(), "x: \"#x]\"\n".into())],
        );
        let text = marked["x"].as_str().unwrap();
        assert_eq!(
            markup(text, crate::render::escape::markup),
            "#zyz-field(0)[\\#x\\]]"
        );
    }
}
