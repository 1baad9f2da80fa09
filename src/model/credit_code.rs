//! 统一社会信用代码 (GB 32100-2015): [`CreditCode`], 18 characters with a verified check character.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};

use super::types::{ValueError, parse_scalar};

/// The 31 characters of GB 32100-2015, in value order.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A 统一社会信用代码 (unified social credit code): 18 characters from the GB 32100-2015 alphabet,
/// the last one a check character over the first 17.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check character for the first 17 characters (which must be in the alphabet).
    pub fn check_char(first17: &str) -> Option<char> {
        let mut sum = 0;
        for (c, w) in first17.chars().zip(WEIGHTS) {
            sum += ALPHABET.find(c)? as u32 * w;
        }
        let check = (31 - sum % 31) % 31;
        ALPHABET.chars().nth(check as usize)
    }

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        let n = t.chars().count();
        if n != 18 {
            return Err((
                "type.credit-code",
                format!("统一社会信用代码应为 18 位，实际 {n} 位：{t}"),
                "核对营业执照上的代码".into(),
            ));
        }
        if let Some(bad) = t.chars().find(|c| !ALPHABET.contains(*c)) {
            let hint = if bad.is_ascii_lowercase() {
                "字母应大写".to_owned()
            } else {
                "代码只含数字和大写字母，不含 I、O、Z、S、V".to_owned()
            };
            return Err((
                "type.credit-code",
                format!("统一社会信用代码含非法字符 `{bad}`：{t}"),
                hint,
            ));
        }
        let expected = Self::check_char(&t[..17]).unwrap_or('?');
        let actual = t.chars().nth(17).unwrap_or('?');
        if expected != actual {
            return Err((
                "type.credit-code",
                format!(
                    "统一社会信用代码校验位错误：{t} 的第 18 位应为 `{expected}`，实际是 `{actual}`"
                ),
                "代码可能抄错了一位；核对营业执照（GB 32100-2015）".into(),
            ));
        }
        Ok(CreditCode(t.to_owned()))
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_scalar(d, "统一社会信用代码", CreditCode::parse)
    }
}

impl JsonSchema for CreditCode {
    fn schema_name() -> Cow<'static, str> {
        "CreditCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "统一社会信用代码，18 位，末位为校验位（GB 32100-2015）",
            "type": "string",
            "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_verify_their_check_character() {
        // Published codes, checked by computing (GB 32100-2015).
        for code in [
            "91440300708461136T",
            "914403001922038216",
            "91110000802100433B",
        ] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
        let e = CreditCode::parse("91440300708461136U").unwrap_err();
        assert_eq!(
            e.1,
            "统一社会信用代码校验位错误：91440300708461136U 的第 18 位应为 `T`，实际是 `U`"
        );
        assert!(CreditCode::parse("9144030070846113").is_err());
        assert!(CreditCode::parse("91440300708461136O").is_err());
    }
}
