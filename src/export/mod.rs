//! Export stage: one file per output format (`pdf`, `ofd`, `xlsx`), written from a laid-out document (and the context it
//! was planned with). Every format implements [`Exporter`]; the build asks [`exporter`] for the
//! one a planned file names. `png` (page previews for `zyz preview`) makes several files of one
//! document and stands beside the trait.

pub mod docx;
pub mod ofd;
pub mod pdf;
pub mod png;
pub mod sheets;
pub mod xlsx;
pub mod xml;

use serde_json::Value;
use typst_layout::PagedDocument;

use crate::diag::Diagnostic;
use crate::plan::{Doc, Format};
use crate::typeset::{Job, Typesetter};

/// The day a Word draft or a fill-in workbook is made, which `zyz import` names when it refuses
/// an older one: the day of `SOURCE_DATE_EPOCH` in China Standard Time (UTC+8, where the offices
/// are) when it is set, else nothing — today's date would make a build of the same inputs on
/// another day give other bytes (`--force`, a fresh clone), and identical inputs give identical
/// files; the refusal then says “较早导出的” and names what changed since.
pub fn made_on() -> String {
    let Some(utc) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
    else {
        return String::new();
    };
    let cst = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let day = utc.to_offset(cst).date();
    crate::model::Date::new(
        u16::try_from(day.year()).unwrap_or(2000),
        u8::from(day.month()),
        day.day(),
    )
    .map(|d| d.to_string())
    .unwrap_or_default()
}

/// What an exporter is given: one planned document, laid out.
pub struct Laid<'a> {
    pub doc: &'a Doc,
    /// The planned context the template read (`doc.context` as a tree).
    pub context: &'a Value,
    /// The Typst job the pages were laid out from (source, date, identifier, standard).
    pub job: &'a Job,
    pub document: &'a PagedDocument,
    /// For turning Typst's diagnostics into ours.
    pub typesetter: &'a Typesetter,
    /// The Word draft's source, when the document has one.
    pub draft: Option<&'a DocxDraft>,
}

/// The Word draft's own source: the template rendered from the context with every value from
/// the content marked with its source (render stage's `fields`), so the DOCX makes each a field;
/// the PDF is made from the unmarked source.
pub struct DocxDraft {
    pub source: String,
    pub fields: Vec<crate::render::fields::Field>,
}

/// One output format.
pub trait Exporter: Sync {
    /// The format's name, as configuration spells it (`pdf`, `xlsx`, `ofd`).
    fn name(&self) -> &'static str;
    /// The file's bytes; errors are findings about the document.
    fn export(&self, laid: &Laid) -> Result<Vec<u8>, Vec<Diagnostic>>;
}

/// The exporter of a planned file's format.
pub fn exporter(format: Format) -> &'static dyn Exporter {
    match format {
        Format::Pdf => &pdf::Pdf,
        Format::Xlsx => &xlsx::LedgerXlsx,
        Format::Ofd => &ofd::Ofd,
        Format::Docx => &docx::Docx,
    }
}
