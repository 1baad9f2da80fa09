//! `content/city.yaml`: the issuing office — organs and their 文号 prefixes, the leadership group,
//! departments (full names and the short forms the seed uses), signers, plan year and dates.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::Date;

/// 市级办公室：发文机关、领导小组、部门、签发人、计划年度。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// 市名，如 `永济市`。
    pub name: String,
    /// 所属省，如 `山西省`。
    pub province: String,
    /// 所属地级市，如 `运城市`。
    pub prefecture: String,
    /// 市人民政府全称，如 `永济市人民政府`。
    pub government: String,
    /// 发文机关（带文号前缀）。
    pub organs: Vec<Organ>,
    /// 专业镇发展领导小组。
    pub leading_group: LeadingGroup,
    /// 市直部门及单位：全称与简称（简称与行动计划中的写法一致，如 `市工科局`）。
    pub departments: Vec<Department>,
    /// 签发人。
    #[serde(default)]
    pub signers: Vec<Signer>,
    /// 计划年度，如 2025：乡镇任务的完成时限必须落在这一年。
    pub plan_year: u16,
    /// 成文日期（文件默认日期，不取系统时间）；也是判断任务是否滞后的基准日。
    pub document_date: Date,
    /// 输出格式：`pdf`（必有，文件本身）与 `ofd`（GB/T 33190 版式文件，与 PDF 同名同目录）。
    /// 默认只有 `pdf`；`zyz build --formats` 可临时改变。
    // not serialised: the templates' context (and so every document's input hash and its PDF)
    // must not change when a format is turned on or off
    #[serde(default = "default_formats", skip_serializing)]
    pub formats: Vec<OutputFormat>,
    /// 县级专业镇认定（可选）：拟认定名单公示和认定通知的发文设置、公示期和异议受理方式。
    // not serialised, like `formats`: only the documents that read it carry it in their context,
    // so editing it does not rebuild every document
    #[serde(default, skip_serializing)]
    pub designation: Option<super::cycle::DesignationIssues>,
    /// 以全市名义认定的专业镇集群（可选），如运城市级的“永济面食”：年度报告计入。
    #[serde(default, skip_serializing)]
    pub clusters: Vec<super::cycle::Cluster>,
    /// 向运城市报送的年度工作情况报告（可选）：发文设置和行动计划目标的数值。
    #[serde(default, skip_serializing)]
    pub annual_report: Option<super::cycle::AnnualReport>,
}

/// 输出格式。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// PDF/A-2b（或 PDF 1.7）：每份文件必有。
    Pdf,
    /// OFD（GB/T 33190-2016）：`NAME.ofd`，写在 `NAME.pdf` 旁。
    Ofd,
    /// DOCX（Word/WPS 可编辑稿）：`NAME.docx`，写在 `NAME.pdf` 旁；供修改，不作存档。
    Docx,
}

impl OutputFormat {
    /// Every format, in the order names are listed.
    pub const ALL: [OutputFormat; 3] = [OutputFormat::Pdf, OutputFormat::Ofd, OutputFormat::Docx];

    /// The name configuration and the command line use (also the file extension).
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Pdf => "pdf",
            OutputFormat::Ofd => "ofd",
            OutputFormat::Docx => "docx",
        }
    }

    /// The format of a name (`pdf`, `ofd`), if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

fn default_formats() -> Vec<OutputFormat> {
    vec![OutputFormat::Pdf]
}

/// 发文机关。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organ {
    /// 机关标识，供模板引用，如 `government-office`。
    pub id: String,
    /// 机关全称，如 `永济市人民政府办公室`。
    pub name: String,
    /// 机关简称（可选）。
    #[serde(default)]
    pub short: Option<String>,
    /// 发文字号的机关代字，如 `永政办发`（文号写作 永政办发〔2025〕12号）。
    pub prefix: String,
    /// 办公地点（设在哪个部门，可选），如 `市工科局`。
    #[serde(default)]
    pub located_at: Option<String>,
}

/// 领导小组。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadingGroup {
    /// 全称，如 `永济市专业镇发展领导小组`。
    pub name: String,
    /// 简称，如 `市领导小组`。
    pub short: String,
    /// 组长职务，如 `市长`。
    pub leader_title: String,
    /// 组长姓名（可选）。
    #[serde(default)]
    pub leader_name: Option<String>,
    /// 领导小组办公室对应的发文机关 `id`。
    pub office_organ: String,
    /// 办公室设在哪个部门，如 `市工科局`。
    pub office_at: String,
}

/// 部门或单位。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// 全称，如 `永济市工业和科技局`。
    pub name: String,
    /// 简称（一个或多个），如 `市工科局`。
    #[serde(default)]
    pub short: Vec<String>,
}

/// 签发人。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    /// 对应的发文机关 `id`。
    pub organ: String,
    /// 姓名。
    pub name: String,
    /// 职务。
    pub title: String,
}

impl City {
    /// The department a unit name refers to (full name or a short form).
    pub fn department(&self, unit: &str) -> Option<&Department> {
        self.departments
            .iter()
            .find(|d| d.name == unit || d.short.iter().any(|s| s == unit))
    }

    /// Every name and short form, for "did you mean".
    pub fn unit_names(&self) -> impl Iterator<Item = &str> {
        self.departments.iter().flat_map(|d| {
            std::iter::once(d.name.as_str()).chain(d.short.iter().map(String::as_str))
        })
    }
}

/// The 文号 text: 机关代字〔full year〕serial号, e.g. `永政办发〔2024〕12号` (serial not padded, no 第).
pub fn wenhao(
    prefix: &str,
    year: impl std::fmt::Display,
    serial: impl std::fmt::Display,
) -> String {
    format!("{prefix}〔{year}〕{serial}号")
}
