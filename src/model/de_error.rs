//! The errors of the typed deserialization ([`super::de`]): [`DeError`] with its rule, Chinese
//! message, hint and location, serde's error constructors in Chinese, and the "did you mean" guess.

use std::fmt;

use serde::de;

use super::yaml::Pos;

/// A typed-parse error, located when it leaves the deserializer (boxed: it travels through
/// every `Result` of the deserializer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError(Box<DeErrorDetails>);

/// What a [`DeError`] says and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeErrorDetails {
    pub pos: Option<Pos>,
    pub path: Option<String>,
    /// A missing field's name, appended to the path of the mapping that lacks it.
    pub field: Option<String>,
    pub rule: String,
    pub message: String,
    pub hint: Option<String>,
}

impl std::ops::Deref for DeError {
    type Target = DeErrorDetails;
    fn deref(&self) -> &DeErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for DeError {
    fn deref_mut(&mut self) -> &mut DeErrorDetails {
        &mut self.0
    }
}

impl DeError {
    pub fn new(rule: &str, message: impl Into<String>, hint: Option<String>) -> Self {
        DeError(Box::new(DeErrorDetails {
            pos: None,
            path: None,
            field: None,
            rule: rule.to_owned(),
            message: message.into(),
            hint,
        }))
    }

    /// The full field path (the mapping's path plus the missing field, if any).
    pub fn full_path(&self) -> String {
        let base = self.path.clone().unwrap_or_default();
        match &self.field {
            Some(f) if base.is_empty() => f.clone(),
            Some(f) => format!("{base}.{f}"),
            None => base,
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

/// Separates the parts of a [`tagged`] message.
const TAG: char = '\u{1}';

/// Encodes a rule, message and hint into a serde custom-error string (decoded by `DeError::custom`),
/// so value types (money, dates, credit codes) can report structured errors through serde.
pub fn tagged(rule: &str, message: &str, hint: &str) -> String {
    format!("{TAG}{rule}{TAG}{message}{TAG}{hint}")
}

/// The closest candidate to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, c)| {
            *score >= 0.8 || strsim::levenshtein(word, c) <= 2.min(c.chars().count() / 2)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let text = msg.to_string();
        if let Some(rest) = text.strip_prefix(TAG) {
            let mut parts = rest.splitn(3, TAG);
            let rule = parts.next().unwrap_or("type");
            let message = parts.next().unwrap_or_default();
            let hint = parts.next().filter(|h| !h.is_empty()).map(str::to_owned);
            return DeError::new(rule, message, hint);
        }
        DeError::new("type.invalid", text, None)
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let list = expected
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join("、");
        match did_you_mean(field, expected.iter().copied()) {
            Some(guess) => DeError::new(
                "field.unknown",
                format!("未知字段 `{field}`，是否想写 `{guess}`？"),
                Some(format!("此处可用的字段：{list}")),
            ),
            None => DeError::new(
                "field.unknown",
                format!("未知字段 `{field}`"),
                Some(format!("此处可用的字段：{list}")),
            ),
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let list = expected
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join("、");
        let guess = did_you_mean(variant, expected.iter().copied())
            .map(|g| format!("，是否想写 `{g}`？"))
            .unwrap_or_default();
        DeError::new(
            "value.unknown",
            format!("不认识的取值 `{variant}`{guess}"),
            Some(format!("可选值：{list}")),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        let mut e = DeError::new(
            "field.missing",
            format!("缺少必填字段 `{field}`"),
            Some(format!("在这个映射中加上 `{field}: …`")),
        );
        e.field = Some(field.to_owned());
        e
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DeError::new(
            "type.invalid",
            format!(
                "类型不对：应为{}，实际是{}",
                expected_cn(&exp.to_string()),
                unexpected_cn(&unexp)
            ),
            None,
        )
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        DeError::new(
            "type.invalid",
            format!("长度不对：实际 {len} 项，应为 {exp}"),
            None,
        )
    }
}

/// serde's description of what was expected, in Chinese.
fn expected_cn(exp: &str) -> String {
    if exp.contains("string") || exp.contains("identifier") {
        "文本".into()
    } else if exp.contains("sequence") {
        "列表".into()
    } else if exp.starts_with("struct") || exp.contains("map") {
        "映射".into()
    } else if exp.starts_with('u') || exp.starts_with('i') {
        "整数".into()
    } else if exp.contains("bool") {
        "true 或 false".into()
    } else {
        exp.to_owned()
    }
}

/// serde's description of what was found, in Chinese.
fn unexpected_cn(u: &de::Unexpected) -> String {
    match u {
        de::Unexpected::Str(s) => format!("文本 \"{s}\""),
        de::Unexpected::Signed(n) => format!("数字 {n}"),
        de::Unexpected::Unsigned(n) => format!("数字 {n}"),
        de::Unexpected::Float(n) => format!("数字 {n}"),
        de::Unexpected::Bool(b) => format!("{b}"),
        de::Unexpected::Seq => "列表".into(),
        de::Unexpected::Map => "映射".into(),
        de::Unexpected::Unit => "空值".into(),
        other => other.to_string(),
    }
}
