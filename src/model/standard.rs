//! `content/standards/<level>.yaml`: a designation standard as data. The county file carries the
//! seed's section 三 in numbers; Yuncheng and provincial files have the same shape with numbers
//! marked `confirmed: false` until an office fills them in (no code change needed).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::{Money, Percent};

/// 专业镇级别（文件名即级别标识）。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 县级（永济市自行认定）。
    County,
    /// 运城市级。
    Yuncheng,
    /// 省级。
    Provincial,
}

impl Level {
    /// The file stem in `standards/`.
    pub fn id(self) -> &'static str {
        match self {
            Level::County => "county",
            Level::Yuncheng => "yuncheng",
            Level::Provincial => "provincial",
        }
    }

    /// The Chinese name: 县级, 运城市级, 省级.
    pub fn chinese(self) -> &'static str {
        match self {
            Level::County => "县级",
            Level::Yuncheng => "运城市级",
            Level::Provincial => "省级",
        }
    }
}

/// 专业镇领域。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Category {
    /// 制造业。
    #[serde(rename = "制造业")]
    Manufacturing,
    /// 特优农业。
    #[serde(rename = "特优农业")]
    Agriculture,
    /// 文旅康养。
    #[serde(rename = "文旅康养")]
    CultureTourism,
    /// 特色轻工（工艺美术），省级方案中的领域。
    #[serde(rename = "特色轻工")]
    LightIndustry,
}

impl Category {
    pub fn chinese(self) -> &'static str {
        match self {
            Category::Manufacturing => "制造业",
            Category::Agriculture => "特优农业",
            Category::CultureTourism => "文旅康养",
            Category::LightIndustry => "特色轻工",
        }
    }
}

/// 传统特色的种类。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum FeatureKind {
    /// 历史发源地。
    #[serde(rename = "历史发源地")]
    HistoricalOrigin,
    /// 地理标志。
    #[serde(rename = "地理标志")]
    GeographicalIndication,
}

impl FeatureKind {
    pub fn chinese(self) -> &'static str {
        match self {
            FeatureKind::HistoricalOrigin => "历史发源地",
            FeatureKind::GeographicalIndication => "地理标志",
        }
    }
}

/// 一个级别的专业镇认定标准。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// 级别，须与文件名一致（county / yuncheng / provincial）。
    pub level: Level,
    /// 标准名称，如 `永济市县级专业镇认定标准`。
    pub name: String,
    /// 出处。
    pub source: String,
    /// 数值是否已核实；false 时检查结果附带警告。
    pub confirmed: bool,
    /// 说明（如数值待核实）。
    #[serde(default)]
    pub note: Option<String>,
    /// 产业相对集中：龙头企业。
    pub leading_enterprises: LeadingRule,
    /// 产业相对集中：关联配套企业（“5家左右”，判断性要求，按警告处理）。
    pub supporting_enterprises: SupportingRule,
    /// 规模相对较大：各领域年产值下限（含本数）。
    pub output: Vec<OutputRule>,
    /// 放宽条件（可选）。
    #[serde(default)]
    pub relaxation: Option<Relaxation>,
    /// 市场占有率较高。
    pub market_share: MarketShareRule,
    /// 就业带动性强。
    pub employment: EmploymentRule,
}

/// 龙头企业要求。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadingRule {
    /// 至少几家。
    pub min: u32,
}

/// 关联配套企业要求：约 `about` 家，少于 `about - tolerance` 家时给出警告（不是错误）。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportingRule {
    /// 约几家。
    pub about: u32,
    /// 容差：不少于 about − tolerance 家即视为“左右”。
    pub tolerance: u32,
}

/// 某领域的年产值下限。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputRule {
    /// 领域。
    pub category: Category,
    /// 年产值下限（含本数）。
    pub min: Money,
}

/// 放宽条件：主导产品具有传统特色且市场占有率高时，年产值下限降至 `min_output`。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relaxation {
    /// 可据以放宽的传统特色种类。
    pub features: Vec<FeatureKind>,
    /// 是否同时要求市场占有率标准达标。
    pub requires_market_share: bool,
    /// 放宽后年产值下限（含本数）。
    pub min_output: Money,
}

/// 市场占有率要求。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketShareRule {
    /// 主导产品占全运城市场的最低份额（含本数）。
    pub min_yuncheng: Percent,
    /// 是否接受“全国拥有较大市场空间”（须附依据）作为替代。
    pub national_claim: bool,
}

/// 就业要求。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmploymentRule {
    /// 解决当地就业的最少人数（含本数）。
    pub min_local_jobs: u32,
}

impl Standard {
    /// The output floor for a category, if the standard names the category.
    pub fn output_floor(&self, category: Category) -> Option<Money> {
        self.output
            .iter()
            .find(|r| r.category == category)
            .map(|r| r.min)
    }
}
