//! Where a value's characters are in the file. The located parse gives each scalar's start (the
//! quote or block indicator included); the value's text is found character by character from
//! there, up to the next scalar, skipping what YAML adds (quotes, indentation, the line breaks a
//! folded or plain scalar turns into spaces, the `\` of an escape). A span whose characters stand
//! in the file exactly as in the value can be replaced in place (a fix); an escaped one only
//! points at the value.

use crate::model::yaml::Pos;

/// Byte offsets of the file's line starts.
pub(super) struct Index<'a> {
    source: &'a str,
    lines: Vec<usize>,
}

/// The place of a hit in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Span {
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Byte range in the file.
    pub start: usize,
    pub end: usize,
    /// True when the file holds exactly the value's characters there.
    pub contiguous: bool,
}

impl<'a> Index<'a> {
    pub fn new(source: &'a str) -> Self {
        let lines = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { source, lines }
    }

    /// The byte offset of a 1-based line and character column.
    fn offset(&self, pos: Pos) -> Option<usize> {
        let start = *self.lines.get(pos.line.checked_sub(1)?)?;
        let rest = &self.source[start..];
        let skip = rest
            .char_indices()
            .nth(pos.column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i);
        Some(start + skip)
    }

    /// The 1-based line and character column of a byte offset.
    fn pos(&self, at: usize) -> (usize, usize) {
        let line = self.lines.partition_point(|&s| s <= at);
        let column = self.source[self.lines[line - 1]..at].chars().count() + 1;
        (line, column)
    }

    /// Where the value bytes `start..end` of `text` (a scalar written from `pos`, before the
    /// scalar at `bound`) are in the file; None when its first character cannot be found.
    pub fn span(
        &self,
        text: &str,
        pos: Pos,
        bound: Option<Pos>,
        start: usize,
        end: usize,
    ) -> Option<Span> {
        let from = self.offset(pos)?;
        let to = bound
            .and_then(|b| self.offset(b))
            .unwrap_or(self.source.len())
            .max(from);
        let mut at = from;
        let mut first = None;
        let mut last_end = None;
        for (i, c) in text.char_indices() {
            if i >= end {
                break;
            }
            let found = self.find(c, at, to)?;
            if i == start {
                first = Some(found);
            }
            let len = self.source[found..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            at = found + len;
            if i >= start {
                last_end = Some(at);
            }
        }
        let (s, e) = (first?, last_end?);
        let (line, column) = self.pos(s);
        Some(Span {
            line,
            column,
            start: s,
            end: e,
            contiguous: self.source.get(s..e) == text.get(start..end),
        })
    }

    /// The next place at or after `at` (before `to`) where the file holds `c`; a space of the
    /// value may stand for a line break of the file (folding).
    fn find(&self, c: char, at: usize, to: usize) -> Option<usize> {
        let hay = self.source.get(at..to)?;
        let found = if c == ' ' {
            hay.find([' ', '\n'])
        } else {
            hay.find(c)
        };
        found.map(|i| at + i)
    }

    /// True when `# 校对: 允许 RULE` (or `# 校对：允许 …`, several rules separated by spaces,
    /// commas or 、; `proofread.` may be left out) stands on the finding's line or the value's
    /// first line.
    pub fn allows(&self, line: usize, value_line: usize, rule: &str) -> bool {
        [line, value_line].iter().any(|&l| {
            let Some(&start) = self.lines.get(l.wrapping_sub(1)) else {
                return false;
            };
            let end = self.lines.get(l).copied().unwrap_or(self.source.len());
            allowed_on(&self.source[start..end], rule)
        })
    }
}

/// Whether one line's `# 校对: 允许 …` comment names `rule`.
fn allowed_on(line: &str, rule: &str) -> bool {
    let Some(at) = line.find("# 校对") else {
        return false;
    };
    let rest = line[at + "# 校对".len()..].trim_start_matches([':', '：', ' ']);
    let Some(ids) = rest.strip_prefix("允许") else {
        return false;
    };
    let short = rule.strip_prefix("proofread.").unwrap_or(rule);
    ids.split([' ', ',', '，', '、'])
        .map(str::trim)
        .any(|id| id == rule || id == short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_quoted_and_block_values_are_found_in_the_file() {
        let src = "a: 中文,句子\nb: \"引号,里\"\nc: |-\n  第一行\n  第二,行\nd: x\n";
        let ix = Index::new(src);
        let s = ix
            .span(
                "中文,句子",
                Pos { line: 1, column: 4 },
                Some(Pos { line: 2, column: 1 }),
                6,
                7,
            )
            .unwrap();
        assert_eq!((s.line, s.column, s.contiguous), (1, 6, true));
        assert_eq!(&src[s.start..s.end], ",");
        let s = ix
            .span(
                "引号,里",
                Pos { line: 2, column: 4 },
                Some(Pos { line: 3, column: 1 }),
                6,
                7,
            )
            .unwrap();
        assert_eq!((s.line, s.column), (2, 7));
        let text = "第一行\n第二,行";
        let at = text.find(',').unwrap();
        let s = ix
            .span(
                text,
                Pos { line: 3, column: 4 },
                Some(Pos { line: 6, column: 1 }),
                at,
                at + 1,
            )
            .unwrap();
        assert_eq!((s.line, s.column, s.contiguous), (5, 5, true));
    }

    #[test]
    fn allow_comments_name_rules_with_or_without_the_prefix() {
        assert!(allowed_on(
            "a: x  # 校对: 允许 proofread.range",
            "proofread.range"
        ));
        assert!(allowed_on(
            "a: x  # 校对：允许 year、range",
            "proofread.range"
        ));
        assert!(!allowed_on("a: x  # 校对: 允许 year", "proofread.range"));
        assert!(!allowed_on("a: x  # 允许 range", "proofread.range"));
    }
}
