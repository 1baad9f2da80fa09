//! Diagnostics, shared by every stage: one located finding type and its rendering
//! (human, with the source line and a caret; or JSON per the `zyz check --format json` contract).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How serious a finding is. Errors make `zyz check`/`zyz build` exit with 1; warnings do not,
/// and neither do verdicts (a town that falls short of a designation criterion: a verdict about
/// the town, not an error in the data) unless the user asks for that (`--fail-on-verdicts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Verdict,
}

impl Severity {
    /// The word printed before the message.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Verdict => "verdict",
        }
    }
}

/// One finding about a file: content (YAML), a template, or generated Typst source.
///
/// `line` and `column` are 1-based; 0 means "the whole file" (for example an empty file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as the user would type it (relative to the working directory where possible).
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The field path inside the file, e.g. `enterprises.leading[0].credit_code`; empty if none.
    pub path: String,
    /// A stable rule identifier, e.g. `yaml.syntax`, `standard.output`, `glyph.missing`.
    pub rule: String,
    pub message: String,
    /// What to do about it, when we know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new error at `file:line:column`.
    pub fn error(
        file: impl Into<PathBuf>,
        line: usize,
        column: usize,
        rule: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            line,
            column,
            path: String::new(),
            rule: rule.to_owned(),
            message: message.into(),
            hint: None,
        }
    }

    /// A new warning at `file:line:column`.
    pub fn warning(
        file: impl Into<PathBuf>,
        line: usize,
        column: usize,
        rule: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, line, column, rule, message)
        }
    }

    /// Sets the field path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A criterion the town falls short of (see [`Severity::Verdict`]).
    pub fn is_verdict(&self) -> bool {
        self.severity == Severity::Verdict
    }

    /// Renders the finding for a person: `error[rule]: message`, `--> file:line:col`, the source
    /// line with a caret under the column (when `source` holds the file's text), the field, the hint.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let (on, bold, off) = match (color, self.severity) {
            (false, _) => ("", "", ""),
            (true, Severity::Error) => ("\x1b[1;31m", "\x1b[1m", "\x1b[0m"),
            (true, Severity::Warning) => ("\x1b[1;33m", "\x1b[1m", "\x1b[0m"),
            (true, Severity::Verdict) => ("\x1b[1;35m", "\x1b[1m", "\x1b[0m"),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{on}{}[{}]{off}{bold}: {}{off}",
            self.severity.label(),
            self.rule,
            self.message
        );
        if self.line > 0 {
            let _ = writeln!(
                out,
                "  --> {}:{}:{}",
                self.file.display(),
                self.line,
                self.column.max(1)
            );
        } else {
            let _ = writeln!(out, "  --> {}", self.file.display());
        }
        if let Some(text) = source.and_then(|s| s.lines().nth(self.line.wrapping_sub(1)))
            && self.line > 0
        {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            // The caret sits under the column counted in characters, with wide (CJK)
            // characters taking two cells as they do in a terminal.
            let before: String = text.chars().take(self.column.saturating_sub(1)).collect();
            let cells: usize = before.chars().map(display_width).sum();
            // Control characters are never echoed raw (an escape sequence in a content file
            // must not reach the terminal).
            let shown: String = text
                .chars()
                .map(|c| {
                    if c.is_control() && c != '\t' {
                        '\u{FFFD}'
                    } else {
                        c
                    }
                })
                .collect();
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{number} | {shown}");
            let _ = writeln!(out, "{pad} | {}{on}^{off}", " ".repeat(cells));
        }
        if !self.path.is_empty() {
            let _ = writeln!(out, "  = field: {}", self.path);
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        out
    }
}

/// Terminal cells taken by a character: 2 for East Asian wide characters, 0 for zero-width ones,
/// 1 otherwise (tab: 1).
fn display_width(c: char) -> usize {
    let u = c as u32;
    if matches!(u, 0xAD | 0x200B..=0x200D | 0x2060 | 0xFEFF) {
        return 0;
    }
    let wide = matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// The `zyz check --format json` object: `{"findings":[...], "errors": N, "warnings": N,
/// "short_of_standard": N}` (the last counts the `verdict` findings: criteria a town falls short of).
pub fn to_json(findings: &[Diagnostic]) -> serde_json::Value {
    let errors = findings.iter().filter(|d| d.is_error()).count();
    let verdicts = findings.iter().filter(|d| d.is_verdict()).count();
    serde_json::json!({
        "findings": findings,
        "errors": errors,
        "warnings": findings.len() - errors - verdicts,
        "short_of_standard": verdicts,
    })
}

/// One line per file (a town) with verdict findings: where, then each criterion it falls short
/// of with the figures, e.g. `content/towns/zhangying.yaml:31: 就业带动性强：应能够解决当地就业500人以上，
/// 张营镇填报412人`. For the end of `zyz build` and `zyz check`, where the eye lands.
pub fn verdict_lines(findings: &[Diagnostic]) -> Vec<String> {
    let mut by_file: Vec<(&Path, usize, Vec<&str>)> = Vec::new();
    for d in findings.iter().filter(|d| d.is_verdict()) {
        match by_file.iter_mut().find(|(f, ..)| *f == d.file.as_path()) {
            Some((_, _, messages)) => messages.push(&d.message),
            None => by_file.push((&d.file, d.line, vec![&d.message])),
        }
    }
    by_file
        .into_iter()
        .map(|(file, line, messages)| format!("{}:{line}: {}", file.display(), messages.join("；")))
        .collect()
}

/// Sorts findings for stable output: by file, line, column, then rule.
pub fn sort(findings: &mut [Diagnostic]) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule, &b.message))
    });
}

/// Shows `path` relative to `base` when it lies under it, else as given.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_the_column_counting_wide_characters() {
        let d = Diagnostic::error("content/towns/a.yaml", 2, 7, "t.rule", "bad")
            .with_path("name")
            .with_hint("fix it");
        let text = d.render(Some("id: a\nname: 卿头镇\n"), false);
        let expected = "error[t.rule]: bad\n  --> content/towns/a.yaml:2:7\n  |\n2 | name: 卿头镇\n  |       ^\n  = field: name\n  = hint: fix it\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn control_characters_are_not_echoed_and_zero_width_ones_take_no_cell() {
        let d = Diagnostic::error("a.yaml", 1, 10, "text.control", "bad");
        let text = d.render(Some("a: x\u{1b}[2J\u{200B}y\n"), false);
        assert_eq!(
            text,
            "error[text.control]: bad\n  --> a.yaml:1:10\n  |\n1 | a: x\u{FFFD}[2J\u{200B}y\n  |         ^\n"
        );
    }

    #[test]
    fn verdicts_are_one_line_per_town_and_counted_apart() {
        let verdict = |file: &str, line, message: &str| Diagnostic {
            severity: Severity::Verdict,
            ..Diagnostic::error(file, line, 3, "standard.x", message)
        };
        let findings = [
            verdict(
                "towns/a.yaml",
                9,
                "就业带动性强：应500人以上，甲镇填报412人",
            ),
            Diagnostic::warning("towns/a.yaml", 2, 1, "r", "w"),
            verdict(
                "towns/a.yaml",
                12,
                "规模相对较大：应不低于2亿元，甲镇填报1.5亿元",
            ),
            verdict("towns/b.yaml", 4, "产业相对集中：至少2家，乙镇填报1家"),
        ];
        assert_eq!(
            verdict_lines(&findings),
            [
                "towns/a.yaml:9: 就业带动性强：应500人以上，甲镇填报412人；规模相对较大：应不低于2亿元，甲镇填报1.5亿元",
                "towns/b.yaml:4: 产业相对集中：至少2家，乙镇填报1家",
            ]
        );
        let v = to_json(&findings);
        assert_eq!(
            (v["errors"].as_u64(), v["warnings"].as_u64()),
            (Some(0), Some(1))
        );
        assert_eq!(v["short_of_standard"], 3);
        assert_eq!(v["findings"][0]["severity"], "verdict");
    }

    #[test]
    fn json_counts_errors_and_warnings() {
        let v = to_json(&[
            Diagnostic::error("f", 1, 1, "r", "m"),
            Diagnostic::warning("f", 2, 1, "r", "w"),
        ]);
        assert_eq!(v["errors"], 1);
        assert_eq!(v["warnings"], 1);
        assert_eq!(v["findings"][1]["severity"], "warning");
        assert_eq!(v["findings"][0]["line"], 1);
    }
}
