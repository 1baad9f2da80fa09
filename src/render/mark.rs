//! Render stage, redline marks: a value that changed between two versions travels through the
//! templates as one string whose removed and added characters are wrapped in private-use marks
//! ([`deleted`], [`inserted`]). The formatter prints such a value as the new text with the removed
//! characters kept in place and struck through and the added ones underlined (`#redline-del[…]`
//! and `#redline-ins[…]`, defined in `templates/gongwen/redline.typ`); the `str` filter (code context: titles,
//! metadata) keeps only the new text. Values without marks are untouched.

/// Opens and closes a deleted run.
const DEL: (char, char) = ('\u{F8F0}', '\u{F8F1}');
/// Opens and closes an inserted run.
const INS: (char, char) = ('\u{F8F2}', '\u{F8F3}');

/// `text` marked as removed.
pub fn deleted(text: &str) -> String {
    format!("{}{text}{}", DEL.0, DEL.1)
}

/// `text` marked as added.
pub fn inserted(text: &str) -> String {
    format!("{}{text}{}", INS.0, INS.1)
}

/// Whether `text` carries redline marks.
pub fn has_marks(text: &str) -> bool {
    text.chars()
        .any(|c| [DEL.0, DEL.1, INS.0, INS.1].contains(&c))
}

/// The new text: removed runs dropped, marks taken out. Any other string is returned as it is.
pub fn newest(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_deleted = false;
    for c in text.chars() {
        match c {
            c if c == DEL.0 => in_deleted = true,
            c if c == DEL.1 => in_deleted = false,
            c if c == INS.0 || c == INS.1 => {}
            c if !in_deleted => out.push(c),
            _ => {}
        }
    }
    out
}

/// Typst markup for a marked value: each run escaped by `escape` and the changed ones wrapped in
/// the redline functions.
pub fn markup(text: &str, escape: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut run = String::new();
    for c in text.chars() {
        let open = match c {
            c if c == DEL.0 || c == INS.0 => Some(c),
            c if c == DEL.1 || c == INS.1 => None,
            c => {
                run.push(c);
                continue;
            }
        };
        if open.is_some() {
            out.push_str(&escape(&std::mem::take(&mut run)));
        } else {
            let function = if c == DEL.1 {
                "redline-del"
            } else {
                "redline-ins"
            };
            out.push_str(&format!(
                "#{function}[{}]",
                escape(&std::mem::take(&mut run))
            ));
        }
    }
    out.push_str(&escape(&run));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marked_value_prints_both_runs_and_the_new_text_survives_code_context() {
        let value = format!("市{}{}局", deleted("农业农村"), inserted("工业和信息化"));
        assert_eq!(newest(&value), "市工业和信息化局");
        let escaped = markup(&value, crate::render::escape::markup);
        assert_eq!(
            escaped,
            "市#redline-del[农业农村]#redline-ins[工业和信息化]局"
        );
        let hostile = format!("{}#x]{}", inserted("*"), deleted("["));
        assert_eq!(
            markup(&hostile, crate::render::escape::markup),
            "#redline-ins[\\*]\\#x\\]#redline-del[\\[]"
        );
    }
}
