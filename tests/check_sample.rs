//! The shipped sample: verdicts per town, the binary's output and exit codes, the JSON contract,
//! the schemas agreeing with the files, and `zyz new town` producing a file that passes.

mod common;

use std::process::Command;

use common::{Project, sample};

fn zyz(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    Command::new(std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into()))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

const EXPECTED_VERDICTS: [(&str, &str); 10] = [
    ("chengbei", "符合县级专业镇认定标准"),
    ("chengdong", "符合县级专业镇认定标准"),
    ("chengxi", "符合运城市级专业镇认定标准"),
    ("hanyang", "符合县级专业镇认定标准（适用放宽条件）"),
    ("kaizhang", "符合县级专业镇认定标准"),
    ("kaolao", "符合运城市级专业镇认定标准"),
    ("puzhou", "符合县级专业镇认定标准"),
    ("qingtou", "符合县级专业镇认定标准"),
    ("yuxiang", "符合县级专业镇认定标准"),
    ("zhangying", "不符合县级专业镇认定标准：就业带动性强"),
];

#[test]
fn sample_verdicts() {
    let (_, loaded, report) = common::run(&sample());
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.content.towns.len(), 10);
    let got: Vec<(String, String)> = report
        .verdicts
        .iter()
        .map(|v| (v.town.clone(), v.summary()))
        .collect();
    let want: Vec<(String, String)> = EXPECTED_VERDICTS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn sample_findings_cover_the_scenarios() {
    let (lines, _, _) = common::run(&sample());
    let has = |rule: &str, file: &str| {
        lines
            .iter()
            .any(|l| l.contains(&format!("[{rule}]")) && l.contains(file))
    };
    assert!(has("standard.employment", "towns/zhangying.yaml"));
    assert!(has("standard.supporting-enterprises", "towns/yuxiang.yaml"));
    assert!(has("task.behind-schedule", "towns/kaizhang.yaml"));
    assert!(has("problem.overdue", "towns/chengbei.yaml"));
    assert!(has("standard.unconfirmed", "towns/chengxi.yaml"));
    // the sample's data is well-formed: no errors; 张营镇 falls short of one criterion, a verdict
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error")).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let verdicts: Vec<&String> = lines.iter().filter(|l| l.starts_with("verdict")).collect();
    assert_eq!(
        verdicts,
        [
            "verdict towns/zhangying.yaml:22:13 [standard.employment] local_jobs | \
             就业带动性强：应能够解决当地就业500人以上，张营镇填报460人 | \
             local_jobs 填写专业镇主导产业解决的当地就业人数"
        ]
    );
}

/// The exit-code contract (docs/design.md): a town short of a criterion is a verdict (exit 0;
/// 1 with `--fail-on-verdicts`), a YAML error is a data error (exit 1).
#[test]
fn check_exits_0_on_a_verdict_1_with_the_option_and_1_on_a_data_error() {
    let project = Project::sample();
    let out = zyz(&["check"], project.dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.ends_with(
            "未达到认定标准：content/towns/zhangying.yaml:22: 就业带动性强：应能够解决当地就业500人以上，张营镇填报460人\n"
        ),
        "the verdict closes the output: {stdout}"
    );
    let strict = zyz(&["check", "--fail-on-verdicts"], project.dir.path());
    assert_eq!(strict.status.code(), Some(1));
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let templates = repo.join("templates").display().to_string();
    let fonts = repo.join("fonts").display().to_string();
    let build_args = |more: &[&'static str]| {
        let mut args = vec!["build", "-q", "--templates", &templates, "--fonts", &fonts];
        args.extend_from_slice(more);
        zyz(&args, project.dir.path())
    };
    let build = build_args(&[]);
    assert_eq!(
        build.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let build = build_args(&["--fail-on-verdicts"]);
    assert_eq!(build.status.code(), Some(1));

    let town = project.content().join("towns/qingtou.yaml");
    let good = std::fs::read_to_string(&town).unwrap();
    std::fs::write(&town, good.replacen("name:", "name: [", 1)).unwrap();
    assert_eq!(zyz(&["check"], project.dir.path()).status.code(), Some(1));
    assert_eq!(build_args(&[]).status.code(), Some(1));
    std::fs::write(&town, good).unwrap();
}

#[test]
fn check_prints_the_verdicts_and_passes_once_the_failing_town_is_fixed() {
    let project = Project::sample();
    let out = zyz(&["check"], project.dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("张营镇 (zhangying): 不符合县级专业镇认定标准：就业带动性强\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("韩阳镇 (hanyang): 符合县级专业镇认定标准（适用放宽条件）\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  --> content/towns/zhangying.yaml:22:13\n"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("\x1b["),
        "no colour when stdout is not a terminal"
    );

    let path = project.content().join("towns/zhangying.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("local_jobs: 460", "local_jobs: 500");
    std::fs::write(&path, text).unwrap();
    let out = zyz(&["check"], project.dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn check_json_follows_the_contract() {
    let project = Project::sample();
    let out = zyz(&["check", "--format", "json"], project.dir.path());
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(v["errors"], 0);
    assert_eq!(v["short_of_standard"], 1);
    assert_eq!(v["warnings"].as_u64().unwrap() as usize, findings.len() - 1);
    let e = findings
        .iter()
        .find(|f| f["severity"] == "verdict")
        .unwrap();
    assert_eq!(e["file"], "content/towns/zhangying.yaml");
    assert_eq!(e["line"], 22);
    assert_eq!(e["column"], 13);
    assert_eq!(e["path"], "local_jobs");
    assert_eq!(e["rule"], "standard.employment");
    assert_eq!(
        e["message"],
        "就业带动性强：应能够解决当地就业500人以上，张营镇填报460人"
    );
    for key in [
        "severity", "file", "line", "column", "path", "rule", "message",
    ] {
        assert!(
            findings.iter().all(|f| f.get(key).is_some()),
            "every finding has {key}"
        );
    }
}

#[test]
fn check_exit_2_when_the_content_folder_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = zyz(&["check", "--content", "nowhere"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("content folder not found: nowhere"),
        "{stderr}"
    );
}

#[test]
fn human_output_shows_the_yaml_line_and_caret() {
    let project = Project::sample();
    project.write(
        "towns/qingtou.yaml",
        std::fs::read_to_string(sample().join("towns/qingtou.yaml"))
            .unwrap()
            .replace("leading_industry:", "leadng_industry:"),
    );
    let out = zyz(&["check"], project.dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let expected = "error[field.unknown]: 未知字段 `leadng_industry`，是否想写 `leading_industry`？
  --> content/towns/qingtou.yaml:14:1
   |
14 | leadng_industry: 机电配套制造
   | ^
  = field: leadng_industry
  = hint: 此处可用的字段：`id`、`name`、`kind`、`government`、`category`、`designation`、`specialty_name`、`leading_industry`、`products`、`traditional_features`、`output`、`market_share`、`local_jobs`、`enterprises`、`contact`、`area_km2`、`population`、`narrative`、`targets`、`tasks`、`problems`
";
    assert!(stdout.contains(expected), "{stdout}");
    assert!(
        stdout.contains("qingtou (content/towns/qingtou.yaml): 文件有错误，未能检查"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn new_town_scaffold_passes_check() {
    let project = Project::sample();
    let out = zyz(
        &["new", "town", "xinzhen", "--name", "新镇"],
        project.dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (lines, loaded, report) = common::run(&project.content());
    let mine: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("towns/xinzhen.yaml"))
        .collect();
    assert!(mine.iter().all(|l| l.starts_with("warning")), "{mine:#?}");
    assert!(loaded.content.towns.iter().any(|t| t.id == "xinzhen"));
    assert!(report.verdict("xinzhen").is_some());

    let again = zyz(&["new", "town", "xinzhen"], project.dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = zyz(&["new", "town", "Xin_Zhen"], project.dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid town id `Xin_Zhen`"));
}

// ---------------------------------------------------------------------------------------------
// Schemas agree with the serde types and the files.

/// A small JSON Schema validator (the subset schemars emits: $ref, type, properties, required,
/// additionalProperties, items, enum, const, oneOf/anyOf). Patterns are left to the typed parse.
fn validate(
    schema: &serde_json::Value,
    root: &serde_json::Value,
    v: &serde_json::Value,
    path: &str,
    errors: &mut Vec<String>,
) {
    use serde_json::Value as J;
    if let Some(r) = schema.get("$ref").and_then(J::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(&root["$defs"][name], root, v, path, errors);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(J::as_array) {
            let ok = options.iter().any(|o| {
                let mut e = Vec::new();
                validate(o, root, v, path, &mut e);
                e.is_empty()
            });
            if !ok {
                errors.push(format!("{path}: matches none of {key}"));
            }
            return;
        }
    }
    if let Some(values) = schema.get("enum").and_then(J::as_array)
        && !values.contains(v)
    {
        errors.push(format!("{path}: {v} not in enum"));
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        errors.push(format!("{path}: {v} != const {c}"));
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            J::String(s) => vec![s.as_str()],
            J::Array(a) => a.iter().filter_map(J::as_str).collect(),
            _ => vec![],
        };
        let actual = match v {
            J::Null => "null",
            J::Bool(_) => "boolean",
            J::Number(n) if n.is_i64() || n.is_u64() => "integer",
            J::Number(_) => "number",
            J::String(_) => "string",
            J::Array(_) => "array",
            J::Object(_) => "object",
        };
        if !types
            .iter()
            .any(|t| *t == actual || (*t == "number" && actual == "integer"))
        {
            errors.push(format!("{path}: {actual} is not {types:?}"));
            return;
        }
    }
    if let J::Object(map) = v {
        let props = schema.get("properties").and_then(J::as_object);
        for req in schema
            .get("required")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            if !map.contains_key(req.as_str().unwrap()) {
                errors.push(format!("{path}: missing required {req}"));
            }
        }
        for (k, val) in map {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, root, val, &format!("{path}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&J::Bool(false)) => {
                    errors.push(format!("{path}: unexpected property {k}"))
                }
                None => {}
            }
        }
    }
    if let (J::Array(items), Some(s)) = (v, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(s, root, item, &format!("{path}[{i}]"), errors);
        }
    }
}

fn yaml_as_json(path: &std::path::Path) -> serde_json::Value {
    let v: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_value(v).unwrap()
}

#[test]
fn every_sample_file_validates_against_its_schema() {
    let mut files = vec![
        ("city", sample().join("city.yaml")),
        ("plan", sample().join("plan.yaml")),
        ("assessment", sample().join("assessment.yaml")),
    ];
    for dir in ["standards", "towns"] {
        for e in std::fs::read_dir(sample().join(dir)).unwrap() {
            files.push((
                if dir == "towns" { "town" } else { "standard" },
                e.unwrap().path(),
            ));
        }
    }
    let mut errors = Vec::new();
    for (kind, path) in files {
        let schema = zyz::cmd::schema::schema(kind).unwrap();
        validate(
            &schema,
            &schema,
            &yaml_as_json(&path),
            &path.display().to_string(),
            &mut errors,
        );
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn schema_properties_equal_the_serialized_fields() {
    let content = zyz::model::load(&sample()).unwrap().content;
    let town = serde_json::to_value(&content.towns[0]).unwrap();
    let schema = zyz::cmd::schema::schema("town").unwrap();
    let mut from_schema: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    // `file` is filled in by the loader and is not part of the YAML.
    let mut from_serde: Vec<&String> = town
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "file")
        .collect();
    from_schema.sort();
    from_serde.sort();
    assert_eq!(from_schema, from_serde);
    let city = serde_json::to_value(&content.city).unwrap();
    let schema = zyz::cmd::schema::schema("city").unwrap();
    // `formats` is read by the build only: it is not serialised into the templates' context
    // (turning OFD on must not change a document's input hash)
    let mut a: Vec<&String> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "formats")
        .collect();
    let mut b: Vec<&String> = city.as_object().unwrap().keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn schema_command_prints_json_and_rejects_unknown_kinds() {
    let tmp = tempfile::tempdir().unwrap();
    for kind in ["town", "city", "standard", "plan"] {
        let out = zyz(&["schema", kind], tmp.path());
        assert_eq!(out.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            v["description"]
                .as_str()
                .unwrap()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        );
    }
    let out = zyz(&["schema", "village"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
}
