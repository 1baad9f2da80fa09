//! Placeholders `zyz new town` writes (`（主导产业）`, `（重点任务）`, `0万元` …, listed in
//! `rules.yaml`): a value still holding one is printed into the documents as it stands, so it is
//! an error naming the field until filled in.

use super::rules::RULES;

/// The placeholder `text` is, if it is one (`field` gives the value's bare path, asked only
/// for placeholders limited to some fields).
pub(super) fn matching(text: &str, field: impl Fn() -> String) -> Option<&'static str> {
    let trimmed = text.trim();
    if trimmed.len() > 32 || !RULES.placeholders.iter().any(|p| p.text == trimmed) {
        return None;
    }
    let bare = field();
    RULES
        .placeholders
        .iter()
        .filter(|p| p.text == trimmed)
        .find(|p| p.fields.is_empty() || p.fields.contains(&bare))
        .map(|p| p.text.as_str())
}
