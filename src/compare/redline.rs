//! Compare stage, redline: the new version's planned context with every string that changed since
//! the old one marked character by character (render stage's marks), so the document's own
//! template prints the 修改对照稿: the new text, removed characters struck through in place,
//! added ones underlined. Strings in new list items or keys are marked as added. Numbers and other
//! values pass unmarked (templates compute with them); their change shows in the text diff.

use serde_json::{Map, Value};

use super::text::spans;
use crate::render::mark;

/// `new` with the strings that differ from `old` marked.
pub fn marked(old: &Value, new: &Value) -> Value {
    match (old, new) {
        (Value::String(a), Value::String(b)) if a != b => Value::String(marked_string(a, b)),
        (Value::Object(a), Value::Object(b)) => {
            let mut out = Map::new();
            for (key, value) in b {
                let value = match a.get(key) {
                    Some(before) => marked(before, value),
                    None => added(value),
                };
                out.insert(key.clone(), value);
            }
            Value::Object(out)
        }
        (Value::Array(a), Value::Array(b)) => Value::Array(
            b.iter()
                .enumerate()
                .map(|(i, value)| match a.get(i) {
                    Some(before) => marked(before, value),
                    None => added(value),
                })
                .collect(),
        ),
        (_, value) => value.clone(),
    }
}

/// A value that is new as a whole: its strings marked as added.
fn added(value: &Value) -> Value {
    match value {
        Value::String(s) if !s.is_empty() => Value::String(mark::inserted(s)),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), added(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(added).collect()),
        other => other.clone(),
    }
}

fn marked_string(old: &str, new: &str) -> String {
    let mut out = String::new();
    for span in spans(old, new) {
        match span.op {
            "delete" => out.push_str(&mark::deleted(&span.text)),
            "insert" => out.push_str(&mark::inserted(&span.text)),
            _ => out.push_str(&span.text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_strings_are_marked() {
        let old = json!({"lead": "市农业农村局", "n": 1, "tasks": [{"t": "甲"}]});
        let new = json!({"lead": "市工业和信息化局", "n": 2, "tasks": [{"t": "甲"}, {"t": "乙"}]});
        let out = marked(&old, &new);
        assert_eq!(
            mark::newest(out["lead"].as_str().unwrap()),
            "市工业和信息化局"
        );
        assert!(mark::has_marks(out["lead"].as_str().unwrap()));
        assert_eq!(out["n"], json!(2));
        assert_eq!(out["tasks"][0]["t"], json!("甲"));
        assert_eq!(out["tasks"][1]["t"], json!(mark::inserted("乙")));
    }
}
