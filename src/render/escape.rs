//! Render stage, escaping: the one function that makes any string safe to place in Typst markup,
//! and its twin for Typst string literals (code context). Every value a template interpolates goes
//! through [`markup`] automatically; template-authored text is the only raw Typst.

/// Escapes `text` for Typst markup so it is shown verbatim and nothing in it is executed.
///
/// Every ASCII punctuation character gets a backslash: that covers the markup specials
/// (`# * _ $ @ < > [ ] \ / ~ `` ` `` " '`), code and math entry (`#`, `$`), labels and references
/// (`<l>`, `@r`), comments (`//`, `/*`), and every line-start marker (`-`, `+`, `=`, `/`, and a
/// digit followed by `.`), wherever the value lands. A backslash before any non-space character is
/// a plain escape in Typst. Line breaks inside a value become forced line breaks; a blank line stays
/// a paragraph break. Control characters are dropped.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut newlines = 0usize;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            continue;
        }
        if newlines > 0 {
            out.push_str(if newlines == 1 { "\\\n" } else { "\n\n" });
            newlines = 0;
        }
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() && c != '\t' {
            // Dropped: no meaning in a document, and some are invalid in PDF text.
        } else {
            out.push(c);
        }
    }
    out
}

/// A Typst string literal (with quotes) holding `text` exactly, for code context such as
/// `#banner(organ: {{ organ | str }})`.
pub fn typst_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_markup_special_is_escaped() {
        assert_eq!(
            markup("#read(\"/etc/passwd\")"),
            "\\#read\\(\\\"\\/etc\\/passwd\\\"\\)"
        );
        assert_eq!(markup("$x$ *b* _i_"), "\\$x\\$ \\*b\\* \\_i\\_");
        assert_eq!(
            markup("<l> @r \\ // ] #{"),
            "\\<l\\> \\@r \\\\ \\/\\/ \\] \\#\\{"
        );
        assert_eq!(markup("~ ` '"), "\\~ \\` \\'");
    }

    #[test]
    fn line_start_markers_are_neutralised() {
        assert_eq!(markup("- a"), "\\- a");
        assert_eq!(markup("+ a"), "\\+ a");
        assert_eq!(markup("= a"), "\\= a");
        assert_eq!(markup("1. a"), "1\\. a");
        assert_eq!(markup("/ term: x"), "\\/ term\\: x");
    }

    #[test]
    fn chinese_text_passes_unchanged() {
        assert_eq!(
            markup("永济市工科局（牵头）、各镇[街道]"),
            "永济市工科局（牵头）、各镇\\[街道\\]"
        );
    }

    #[test]
    fn newlines_become_breaks_and_controls_are_dropped() {
        assert_eq!(markup("a\nb\n\nc\u{7}"), "a\\\nb\n\nc");
    }

    #[test]
    fn string_literals_escape_quotes_and_backslashes() {
        assert_eq!(typst_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(typst_string("#{1}"), "\"#{1}\"");
    }
}
