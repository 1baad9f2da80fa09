//! Placeholders `zyz new town` writes (`（主导产业）`, `（重点任务）`, `0万元` …, listed in
//! `rules.yaml`): a value still holding one is printed into the documents as it stands, so it is
//! an error naming the field until filled in.

use std::sync::LazyLock;

use super::rules::RULES;

/// The first bytes of the placeholders.
static FIRST_BYTES: LazyLock<[bool; 256]> = LazyLock::new(|| {
    let mut t = [false; 256];
    for p in &RULES.placeholders {
        if let Some(b) = p.text.bytes().next() {
            t[b as usize] = true;
        }
    }
    t
});

/// The placeholder `text` is, if it is one (`field` gives the value's bare path, asked only
/// for placeholders limited to some fields).
pub(super) fn matching(text: &str, field: impl Fn() -> String) -> Option<&'static str> {
    // most values start with a byte no placeholder starts with: nothing more to compare
    let first = text.trim_start().bytes().next()?;
    if !FIRST_BYTES[first as usize] {
        return None;
    }
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
