//! Export stage, PDF: the laid-out pages as PDF/A-2b (or PDF 1.7) through typst-pdf, with a fixed
//! timestamp (`SOURCE_DATE_EPOCH`, else the document date), a creator naming the tool and an
//! identifier derived from the document's inputs, so the same inputs give the same bytes.

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::{Exporter, Laid};
use crate::diag::Diagnostic;
use crate::typeset::{Date, Job, Standard, Typesetter};

/// The PDF exporter.
pub struct Pdf;

impl Exporter for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn export(&self, laid: &Laid) -> Result<Vec<u8>, Vec<Diagnostic>> {
        pdf(laid.document, laid.job)
            .map_err(|errors| laid.typesetter.diagnostics(laid.job, &errors))
    }
}

/// A document typeset and exported in one go (tests, benchmarks and tools).
#[derive(Debug)]
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Compiles `job` and exports it as PDF.
pub fn typeset(typesetter: &Typesetter, job: &Job) -> Result<Typeset, Vec<Diagnostic>> {
    let (document, warnings) = typesetter.compile(job)?;
    let pdf = pdf(&document, job).map_err(|errors| typesetter.diagnostics(job, &errors))?;
    Ok(Typeset {
        pdf,
        pages: document.pages().len(),
        warnings,
    })
}

/// PDF export with a fixed date, a creator naming the tool, and an identifier from the inputs.
pub fn pdf(
    document: &PagedDocument,
    job: &Job,
) -> Result<Vec<u8>, typst::ecow::EcoVec<typst::diag::SourceDiagnostic>> {
    let standards = match job.standard {
        Standard::PdfA2b => PdfStandards::new(&[PdfStandard::A_2b]),
        Standard::Pdf17 => PdfStandards::new(&[PdfStandard::V_1_7]),
    }
    .expect("a single standard is always valid");
    let options = PdfOptions {
        ident: Smart::Custom(job.ident.clone()),
        creator: Smart::Custom(Some(format!(
            "zyz {} (Typst 0.15)",
            env!("CARGO_PKG_VERSION")
        ))),
        timestamp: Some(timestamp(job.date)),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(document, &options)
}

/// The PDF timestamp: `SOURCE_DATE_EPOCH` when set (reproducible-builds convention), else the
/// document date at midnight UTC.
fn timestamp(date: Date) -> Timestamp {
    if let Some(dt) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(datetime_from_epoch)
    {
        return Timestamp::new_utc(dt);
    }
    let dt = Datetime::from_ymd_hms(date.year, date.month, date.day, 0, 0, 0)
        .unwrap_or_else(|| Datetime::from_ymd_hms(1970, 1, 1, 0, 0, 0).expect("valid"));
    Timestamp::new_utc(dt)
}

/// Seconds since 1970-01-01 UTC to a Typst datetime (proleptic Gregorian, days-from-civil).
fn datetime_from_epoch(secs: i64) -> Option<Datetime> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Datetime::from_ymd_hms(
        i32::try_from(y).ok()?,
        m,
        d,
        (rem / 3600) as u8,
        ((rem % 3600) / 60) as u8,
        (rem % 60) as u8,
    )
}

/// Howard Hinnant's civil-from-days algorithm (public domain description), written out here.
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_converts_to_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_783), (2024, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
