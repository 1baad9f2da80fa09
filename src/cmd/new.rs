//! `zyz new town <id>`: write a valid, commented `content/towns/<id>.yaml` to fill in. The scaffold
//! is at the 培育 (cultivation) stage, so its placeholder figures give warnings, never errors.

use std::path::Path;

use anyhow::Context as _;

use crate::Exit;
use crate::cli::{NewArgs, NewWhat};
use crate::model::{City, CreditCode, de, valid_id, yaml};

/// Entry point of `zyz new`.
pub fn run(args: &NewArgs) -> anyhow::Result<Exit> {
    match &args.what {
        NewWhat::Town { id, content, name } => {
            let path = new_town(content, id, name.as_deref())?;
            println!(
                "已生成 {}（请按注释填写；完成后运行 zyz check）",
                path.display()
            );
            Ok(Exit::Success)
        }
    }
}

/// Writes the scaffold and returns its path. Refuses bad ids and existing files.
pub fn new_town(
    content: &Path,
    id: &str,
    name: Option<&str>,
) -> anyhow::Result<std::path::PathBuf> {
    if !valid_id(id) {
        anyhow::bail!(
            "invalid town id `{id}`: use lowercase ASCII letters, digits and `-` (镇标识只能由小写字母、数字和 - 组成), e.g. `qingtou`"
        );
    }
    if !content.is_dir() {
        anyhow::bail!(
            "content folder not found: {} (内容目录不存在)\n  hint: run zyz in the project folder, or pass --content DIR",
            content.display()
        );
    }
    let dir = content.join("towns");
    let path = dir.join(format!("{id}.yaml"));
    if path.exists() {
        anyhow::bail!(
            "{} already exists; not overwriting it (文件已存在，不会覆盖)",
            path.display()
        );
    }
    // Dates and units come from city.yaml when it is readable, so the scaffold passes `zyz check`.
    let city: Option<City> = std::fs::read_to_string(content.join("city.yaml"))
        .ok()
        .and_then(|t| yaml::parse(&t).ok())
        .and_then(|n| de::from_node(&n).ok());
    let year = city.as_ref().map_or(2025, |c| c.plan_year);
    let lead = city
        .as_ref()
        .and_then(|c| {
            c.departments
                .iter()
                .find_map(|d| d.short.first().cloned().or(Some(d.name.clone())))
        })
        .unwrap_or_else(|| "市工科局".into());
    let name = name.map_or_else(|| format!("{id}镇"), str::to_owned);
    let code_body = format!(
        "91140881MA0{:06}",
        id.bytes().map(u32::from).sum::<u32>() % 1_000_000
    );
    let code = format!(
        "{code_body}{}",
        CreditCode::check_char(&code_body).unwrap_or('0')
    );
    let text = scaffold(id, &name, year, &lead, &code);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

fn scaffold(id: &str, name: &str, year: u16, lead: &str, code: &str) -> String {
    let last = year - 1;
    format!(
        r#"# 编辑器校验：zyz schema town > town.schema.json，再在首行加 # yaml-language-server: $schema=town.schema.json
# {name}专业镇资料（由 zyz new town 生成）。按注释填写；金额写成 2.35亿元、5000万元；日期写成 {year}-03-31。
# 说明：以下数字均为占位示例，请替换为实际数据。

id: {id}                     # 标识，须与文件名一致
name: {name}                 # 镇（街道）名称，以“镇”或“街道”结尾
kind: 镇                     # 镇 | 街道
category: 制造业              # 制造业 | 特优农业 | 文旅康养 | 特色轻工
designation:
  level: county              # county（县级）| yuncheng（运城市级）| provincial（省级）
  stage: 培育                 # 申报 | 已认定 | 培育（培育阶段不达标只作警告）
leading_industry: （主导产业）
products: [（主导产品）]
traditional_features: []     # 如有历史发源地、地理标志：- {{kind: 地理标志, name: …, evidence: …}}
output:                      # 主导产业年产值；最近一年的实际值用于认定
  - {{year: {last}, value: 0万元}}
  - {{year: {year}, value: 0万元, target: true}}
market_share:
  yuncheng: 0%               # 主导产品占全运城市场份额
  # national: {{claim: …, justification: …}}   # 或：全国拥有较大市场空间，须附依据
local_jobs: 0                # 解决当地就业人数
enterprises:
  leading:                   # 龙头企业（至少 1 家）
    - name: （企业名称）
      credit_code: {code}   # 统一社会信用代码，18 位，末位校验
      products: [（主要产品）]
      output: 0万元
      jobs: 0
      honours: []
  supporting: []             # 关联配套企业（5 家左右），字段同上
contact:
  person: （联系人）
  title: （职务）
  phone: "0359-0000000"
area_km2: 0
population: 0
targets:
  - {{year: {year}, indicator: 主导产业产值, value: （目标）}}
tasks:                       # 年度重点任务（责任清单）
  - title: （重点任务）
    measures: [（具体措施）]
    target: （量化目标）
    lead: {lead}              # 牵头单位：city.yaml 中的部门全称或简称，或本镇人民政府
    support: []
    responsible: （责任人）
    milestones: {{q1: （一季度节点）, q2: （二季度节点）, q3: （三季度节点）, q4: （四季度节点）}}
    deadline: {year}-12-31     # 须在计划年度内
    status: 未开始            # 未开始 | 进行中 | 已完成
    progress: 0%
problems: []                 # 问题台账：- {{id: {year}-Q1-001, found: …, source: …, description: …, measures: …, unit: …, person: …, deadline: …, status: 未整改}}
"#
    )
}
