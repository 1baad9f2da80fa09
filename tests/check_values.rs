//! Value types through the real YAML path: what an office writes, what the model holds, and how
//! it is handed to templates.

use zyz::model::de::from_node;
use zyz::model::yaml::parse;
use zyz::model::{CreditCode, Date, Money, Percent};

#[derive(Debug, serde::Deserialize)]
struct Doc {
    value: Money,
}

fn money(text: &str) -> Result<i64, String> {
    let node = parse(&format!("value: {text}\n")).unwrap();
    from_node::<Doc>(&node)
        .map(|d| d.value.as_yuan())
        .map_err(|e| e.message.clone())
}

#[test]
fn money_as_offices_write_it() {
    assert_eq!(money("3.2亿元"), Ok(320_000_000));
    assert_eq!(money("5000万元"), Ok(50_000_000));
    assert_eq!(money("20000万"), Ok(200_000_000));
    assert_eq!(money("1.5亿"), Ok(150_000_000));
    assert_eq!(money("12345元"), Ok(12_345));
    assert_eq!(money("{amount: 20000, unit: 万元}"), Ok(200_000_000));
    assert_eq!(money("{amount: 1.25, unit: 亿元}"), Ok(125_000_000));
    assert_eq!(money("\"2亿元\""), Ok(200_000_000));
}

#[test]
fn money_refusals_say_why() {
    assert_eq!(money("20000"), Err("金额缺少单位：20000".into()));
    assert_eq!(money("2.5"), Err("金额缺少单位：2.5".into()));
    assert_eq!(money("-1万元"), Err("金额不能为负数：-1万元".into()));
    assert_eq!(
        money("2亿3000万元"),
        Err("金额写法有歧义（混用了多个单位）：2亿3000万元".into())
    );
    assert_eq!(money("{amount: 3}"), Err("缺少必填字段 `unit`".into()));
    assert_eq!(
        money("[1, 2]"),
        Err("类型不对：应为金额，如 2.35亿元，实际是列表".into())
    );
}

#[test]
fn values_serialize_for_templates() {
    #[derive(serde::Serialize)]
    struct T {
        money: Money,
        percent: Percent,
        date: Date,
        code: CreditCode,
    }
    let t = T {
        money: Money::parse("2.35亿元").unwrap(),
        percent: Percent::parse("12.5%").unwrap(),
        date: Date::parse("2025-03-31").unwrap(),
        code: CreditCode::parse("91440300708461136T").unwrap(),
    };
    assert_eq!(
        serde_json::to_string(&t).unwrap(),
        r#"{"money":235000000,"percent":"12.5%","date":"2025-03-31","code":"91440300708461136T"}"#
    );
    assert_eq!(t.money.to_chinese(), "2.35亿元");
    assert_eq!(t.date.to_chinese(), "2025年3月31日");
}

#[test]
fn every_sample_credit_code_has_a_valid_check_character() {
    let content =
        zyz::model::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content"))
            .unwrap()
            .content;
    let codes: Vec<&CreditCode> = content
        .towns
        .iter()
        .flat_map(|t| {
            t.enterprises
                .leading
                .iter()
                .chain(&t.enterprises.supporting)
        })
        .map(|e| &e.credit_code)
        .collect();
    assert!(codes.len() > 50);
    for code in codes {
        let s = code.as_str();
        assert_eq!(CreditCode::check_char(&s[..17]), s.chars().nth(17), "{s}");
    }
}
