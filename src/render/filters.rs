//! Render stage, filters: how offices write dates, money and document numbers (文号).

use minijinja::{Error, ErrorKind, Value};

use crate::model::{Date, Money};

/// `2024-03-01` → `2024年3月1日` (full year, no zero padding, as GB/T 9704 asks): the model's
/// own date parsing and formatting.
pub fn cn_date(value: &Value) -> Result<String, Error> {
    let text = value
        .as_str()
        .map(super::fields::strip)
        .unwrap_or_else(|| value.to_string());
    let date = Date::parse(&text).map_err(|(_, message, _)| {
        Error::new(ErrorKind::InvalidOperation, format!("cn_date: {message}"))
    })?;
    Ok(date.to_chinese())
}

/// An integer amount of 元 → `2.35亿元`, `5000万元`, `8600元` (the model's `Money::to_chinese`:
/// the largest unit the amount reaches, exact decimals, no floating point).
pub fn money(value: &Value) -> Result<String, Error> {
    let yuan = i64::try_from(value.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("money: `{value}` is not an integer amount of 元"),
        )
    })?;
    Ok(Money::yuan(yuan).to_chinese())
}

/// `wenhao("永政办发", 2024, 12)` → `永政办发〔2024〕12号` (serial not padded, no 第).
pub fn wenhao(prefix: &str, year: i64, serial: i64) -> Result<String, Error> {
    if serial <= 0 {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("wenhao: serial {serial} must be positive"),
        ));
    }
    Ok(crate::model::wenhao(prefix, year, serial))
}

/// A value as a Typst string literal, for code context (marked safe: it is already quoted).
pub fn typst_str(value: &Value) -> Value {
    let text = value
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| value.to_string());
    let text = super::fields::strip(&text);
    Value::from_safe_string(super::escape::typst_string(&super::mark::newest(&text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_no_zero_padding() {
        assert_eq!(cn_date(&Value::from("2024-03-01")).unwrap(), "2024年3月1日");
        assert_eq!(
            cn_date(&Value::from("2025-12-31")).unwrap(),
            "2025年12月31日"
        );
        assert!(cn_date(&Value::from("2025-02-29")).is_err());
        assert_eq!(
            cn_date(&Value::from("2024-02-29")).unwrap(),
            "2024年2月29日"
        );
    }

    #[test]
    fn money_uses_the_largest_unit_exactly() {
        assert_eq!(money(&Value::from(235_000_000i64)).unwrap(), "2.35亿元");
        assert_eq!(money(&Value::from(200_000_000i64)).unwrap(), "2亿元");
        assert_eq!(money(&Value::from(50_000_000i64)).unwrap(), "5000万元");
        assert_eq!(money(&Value::from(12_345_678i64)).unwrap(), "1234.5678万元");
        assert_eq!(money(&Value::from(8_600i64)).unwrap(), "8600元");
        assert_eq!(money(&Value::from(10_000_000_000i64)).unwrap(), "100亿元");
        assert_eq!(
            money(&Value::from(100_000_001i64)).unwrap(),
            "1.00000001亿元"
        );
    }

    #[test]
    fn wenhao_follows_the_standard() {
        assert_eq!(
            wenhao("永政办发", 2024, 12).unwrap(),
            "永政办发〔2024〕12号"
        );
        assert!(wenhao("永政办发", 2024, 0).is_err());
    }
}
