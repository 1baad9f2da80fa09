//! Export stage, OFD (GB/T 33190-2016): the laid-out pages written directly as an OFD package —
//! `OFD.xml` (DocInfo from the document's metadata and date, a DocID from its inputs),
//! `Doc_0/Document.xml` (CommonData with the A4 page area, the pages), `Doc_0/PublicRes.xml`
//! (the RGB colour space, the fonts) with the font subsets under `Doc_0/Res/`, and one
//! `Doc_0/Pages/Page_N/Content.xml` per page (`page.rs`). The ZIP is deterministic: entries in
//! a fixed order with the document date as their timestamp. docs/ofd.md says what is written and
//! what is left out.

mod font;
mod page;
mod xml;

use typst::layout::Frame;
use typst::model::Document as _;
use typst_layout::PagedDocument;

use super::xml::zip_package;
use super::{Exporter, Laid};
use crate::diag::Diagnostic;
use font::Fonts;
use page::{Affine, PageWriter};
use xml::mm;

/// The OFD exporter.
pub struct Ofd;

impl Exporter for Ofd {
    fn name(&self) -> &'static str {
        "ofd"
    }

    fn export(&self, laid: &Laid) -> Result<Vec<u8>, Vec<Diagnostic>> {
        ofd(laid).map_err(|err| {
            let path = laid.job.source_name.with_extension("ofd");
            vec![Diagnostic::error(path, 0, 0, "ofd", err)]
        })
    }
}

/// The resource id of the document's one colour space.
const RGB: u32 = 1;

/// The package's bytes.
fn ofd(laid: &Laid) -> Result<Vec<u8>, String> {
    let document = laid.document;
    let mut next_id = RGB;
    let mut fonts = Fonts::default();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut page_ids = Vec::new();
    for (n, page) in document.pages().iter().enumerate() {
        next_id += 1;
        page_ids.push(next_id);
        let content = page_xml(&page.frame, &mut fonts, &mut next_id)
            .map_err(|why| format!("page {}: {why}", n + 1))?;
        parts.push((
            format!("Doc_0/Pages/Page_{n}/Content.xml"),
            content.into_bytes(),
        ));
    }
    let mut package = vec![
        ("OFD.xml".to_owned(), ofd_xml(laid).into_bytes()),
        (
            "Doc_0/Document.xml".to_owned(),
            document_xml(document, &page_ids, next_id).into_bytes(),
        ),
        (
            "Doc_0/PublicRes.xml".to_owned(),
            public_res(&fonts).into_bytes(),
        ),
    ];
    package.extend(parts);
    for font in fonts.iter() {
        package.push((format!("Doc_0/Res/{}", font.file_name()), font.subset()?));
    }
    zip_package(&package, laid.doc.date)
        .map_err(|err| format!("cannot write the OFD package: {err}"))
}

/// One page's `Content.xml`: its area and one body layer with every object.
fn page_xml(frame: &Frame, fonts: &mut Fonts, next_id: &mut u32) -> Result<String, String> {
    let size = frame.size();
    let area = format!("0 0 {} {}", mm(size.x.to_pt()), mm(size.y.to_pt()));
    *next_id += 1;
    let layer = [("ID", next_id.to_string()), ("Type", "Body".into())];
    let mut writer = PageWriter {
        xml: xml::part("ofd:Page", &[]),
        fonts,
        next_id,
        images: 0,
    };
    writer.xml.open("ofd:Area", &[]);
    writer.xml.leaf("ofd:PhysicalBox", &[], &area);
    writer.xml.close("ofd:Area");
    writer.xml.open("ofd:Content", &[]);
    writer.xml.open("ofd:Layer", &layer);
    writer.frame(frame, Affine::IDENTITY);
    if writer.images > 0 {
        return Err(format!(
            "{} image(s); the OFD writer does not write images yet (see docs/ofd.md)",
            writer.images
        ));
    }
    writer.xml.close("ofd:Layer");
    writer.xml.close("ofd:Content");
    Ok(writer.xml.finish("ofd:Page"))
}

/// `OFD.xml`: the entry point, with the document's metadata.
fn ofd_xml(laid: &Laid) -> String {
    let info = laid.document.info();
    let mut xml = xml::part(
        "ofd:OFD",
        &[("Version", "1.1".into()), ("DocType", "OFD".into())],
    );
    xml.open("ofd:DocBody", &[]);
    xml.open("ofd:DocInfo", &[]);
    let id = crate::archive::sha256_hex(laid.job.ident.as_bytes());
    xml.leaf("ofd:DocID", &[], &id[..32]);
    if let Some(title) = &info.title {
        xml.leaf("ofd:Title", &[], title);
    }
    if !info.author.is_empty() {
        xml.leaf("ofd:Author", &[], &info.author.join("、"));
    }
    let kind = laid.doc.kind;
    xml.leaf(
        "ofd:Subject",
        &[],
        info.description.as_deref().unwrap_or(kind),
    );
    xml.leaf("ofd:CreationDate", &[], &laid.doc.date.to_string());
    let mut keywords: Vec<String> = info.keywords.iter().map(ToString::to_string).collect();
    if keywords.is_empty() {
        keywords.push(kind.to_owned());
        keywords.extend(laid.doc.town.clone());
    }
    xml.open("ofd:Keywords", &[]);
    for keyword in &keywords {
        xml.leaf("ofd:Keyword", &[], keyword);
    }
    xml.close("ofd:Keywords");
    xml.leaf("ofd:Creator", &[], "zyz");
    xml.leaf("ofd:CreatorVersion", &[], env!("CARGO_PKG_VERSION"));
    xml.close("ofd:DocInfo");
    xml.leaf("ofd:DocRoot", &[], "Doc_0/Document.xml");
    xml.close("ofd:DocBody");
    xml.finish("ofd:OFD")
}

/// `Doc_0/Document.xml`: the common data (largest id, page area of the first page, default
/// colour space, public resources) and the pages.
fn document_xml(document: &PagedDocument, page_ids: &[u32], max_id: u32) -> String {
    let mut xml = xml::part("ofd:Document", &[]);
    xml.open("ofd:CommonData", &[]);
    xml.leaf("ofd:MaxUnitID", &[], &max_id.to_string());
    let size = document.pages().first().map(|p| p.frame.size());
    let (w, h) = size.map_or((595.28, 841.89), |s| (s.x.to_pt(), s.y.to_pt()));
    xml.open("ofd:PageArea", &[]);
    xml.leaf("ofd:PhysicalBox", &[], &format!("0 0 {} {}", mm(w), mm(h)));
    xml.close("ofd:PageArea");
    xml.leaf("ofd:PublicRes", &[], "PublicRes.xml");
    xml.leaf("ofd:DefaultCS", &[], &RGB.to_string());
    xml.close("ofd:CommonData");
    xml.open("ofd:Pages", &[]);
    for (n, id) in page_ids.iter().enumerate() {
        let loc = format!("Pages/Page_{n}/Content.xml");
        xml.leaf_empty("ofd:Page", &[("ID", id.to_string()), ("BaseLoc", loc)]);
    }
    xml.close("ofd:Pages");
    xml.finish("ofd:Document")
}

/// `Doc_0/PublicRes.xml`: the RGB colour space and the embedded fonts (files under `Res/`).
fn public_res(fonts: &Fonts) -> String {
    let mut xml = xml::part("ofd:Res", &[("BaseLoc", "Res".into())]);
    xml.open("ofd:ColorSpaces", &[]);
    let cs = [
        ("ID", RGB.to_string()),
        ("Type", "RGB".into()),
        ("BitsPerComponent", "8".into()),
    ];
    xml.leaf_empty("ofd:ColorSpace", &cs);
    xml.close("ofd:ColorSpaces");
    xml.open("ofd:Fonts", &[]);
    for font in fonts.iter() {
        let mut attrs = vec![
            ("ID", font.id.to_string()),
            ("FontName", font.name()),
            ("FamilyName", font.family()),
        ];
        let variant = font.font.font().info().variant;
        if variant.weight.to_number() >= 600 {
            attrs.push(("Bold", "true".into()));
        }
        if variant.style != typst::text::FontStyle::Normal {
            attrs.push(("Italic", "true".into()));
        }
        xml.open("ofd:Font", &attrs);
        xml.leaf("ofd:FontFile", &[], &font.file_name());
        xml.close("ofd:Font");
    }
    xml.close("ofd:Fonts");
    xml.finish("ofd:Res")
}
