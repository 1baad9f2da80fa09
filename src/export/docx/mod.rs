//! Export stage, DOCX: an editable Word/WPS draft of the document, from the same source as the
//! PDF. The typeset stage compiles the generated Typst source for Typst's HTML target, where
//! gongwen (docx.typ) emits semantic elements (roles such as the issuing mark, 文号, title, headings,
//! tables, signature, 版记); `body.rs` walks that tree and writes it as WordprocessingML (with
//! `banner.rs` the 版头 and title, `closing.rs` the 附件说明, signature and 版记, `table.rs`
//! tables, `runs.rs` runs and pictures, `sections.rs` the sections and the document part, `tree.rs`
//! reading the element tree); `styles.rs` the paragraph and run properties and styles per role
//! with their east-Asian fonts (`fonts.rs`), `page.rs` the page setup in Word's own terms (A4, the
//! 156 × 225 mm type area, the 22-line document grid, odd/even footers with a PAGE field). This
//! file writes the package: deterministic, parts in a fixed order, dated the document date.
//! Fonts are named, not embedded: the draft is for editing on the office's own machines.

mod banner;
mod body;
mod closing;
pub mod draft;
mod fonts;
mod page;
mod runs;
mod sections;
mod styles;
mod table;
mod tree;

use typst::model::Document as _;

use super::xml::{Xml, zip_package};
use super::{Exporter, Laid};
use crate::diag::Diagnostic;
use fonts::RoleFonts;
use styles::REL;

/// The DOCX exporter.
pub struct Docx;

impl Exporter for Docx {
    fn name(&self) -> &'static str {
        "docx"
    }

    fn export(&self, laid: &Laid) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let html = match laid.draft {
            Some(draft) => laid.typesetter.compile_docx(&crate::typeset::Job {
                source: draft.source.clone(),
                ..laid.job.clone()
            })?,
            None => laid.typesetter.compile_docx(laid.job)?,
        };
        docx(laid, &html).map_err(|err| {
            let path = laid.job.source_name.with_extension("docx");
            vec![Diagnostic::error(path, 0, 0, "docx", err)]
        })
    }
}

/// The package's bytes.
fn docx(laid: &Laid, html: &typst_html::HtmlDocument) -> Result<Vec<u8>, String> {
    let fonts = RoleFonts::of(laid);
    let fields = laid.draft.map_or(&[][..], |d| &d.fields[..]);
    let written = body::write(html.root(), &fonts, fields)?;
    let hidden = laid.draft.is_some();
    let mut parts = vec![
        (
            "[Content_Types].xml".to_owned(),
            content_types(&written.media, hidden),
        ),
        ("_rels/.rels".to_owned(), package_rels()),
        ("docProps/core.xml".to_owned(), core(laid)),
        ("docProps/app.xml".to_owned(), app()),
        (
            "word/document.xml".to_owned(),
            written.document.into_bytes(),
        ),
        (
            "word/styles.xml".to_owned(),
            styles::styles(&fonts, &written.config),
        ),
        ("word/settings.xml".to_owned(), page::settings()),
        (
            "word/_rels/document.xml.rels".to_owned(),
            document_rels(&written.media, hidden),
        ),
    ];
    if hidden {
        parts.extend(hidden_parts(laid, &written.fields));
    }
    for (name, xml) in page::footers(&written.config) {
        parts.push((format!("word/{name}"), xml.into_bytes()));
    }
    for (name, png) in written.media {
        parts.push((format!("word/media/{name}"), png));
    }
    zip_package(&parts, laid.doc.date)
        .map_err(|err| format!("cannot write the DOCX package: {err}"))
}

const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// The draft's hidden part (`draft.rs`) with its store item properties and relationship.
fn hidden_parts(laid: &Laid, fields: &draft::Fields) -> Vec<(String, Vec<u8>)> {
    let doc = std::path::Path::new(&laid.doc.path)
        .with_extension("docx")
        .to_string_lossy()
        .into_owned();
    let identity = draft::Identity {
        doc: doc.clone(),
        kind: laid.doc.kind,
        town: laid.doc.town.as_deref(),
        year: laid.doc.year,
        inputs: &laid.doc.inputs_sha256,
        data: laid.doc.data_sha256(),
        made: crate::export::made_on(),
    };
    let mut rels = Xml::new("Relationships", &[("xmlns", RELS_NS.into())]);
    rels.leaf_empty(
        "Relationship",
        &[
            ("Id", "rId1".into()),
            ("Type", format!("{REL}/customXmlProps")),
            ("Target", "itemProps1.xml".into()),
        ],
    );
    vec![
        (draft::DRAFT_PART.to_owned(), fields.part(&identity)),
        (
            "customXml/itemProps1.xml".to_owned(),
            draft::item_props(&doc),
        ),
        (
            "customXml/_rels/item1.xml.rels".to_owned(),
            rels.finish("Relationships").into_bytes(),
        ),
    ]
}

fn content_types(media: &[(String, Vec<u8>)], hidden: bool) -> Vec<u8> {
    let ct = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let mut xml = Xml::new(
        "Types",
        &[(
            "xmlns",
            "http://schemas.openxmlformats.org/package/2006/content-types".into(),
        )],
    );
    let default = |xml: &mut Xml, ext: &str, ty: &str| {
        xml.leaf_empty(
            "Default",
            &[("Extension", ext.into()), ("ContentType", ty.into())],
        );
    };
    default(
        &mut xml,
        "rels",
        "application/vnd.openxmlformats-package.relationships+xml",
    );
    default(&mut xml, "xml", "application/xml");
    if !media.is_empty() {
        default(&mut xml, "png", "image/png");
    }
    let parts = [
        ("/word/document.xml", format!("{ct}.document.main+xml")),
        ("/word/styles.xml", format!("{ct}.styles+xml")),
        ("/word/settings.xml", format!("{ct}.settings+xml")),
        ("/word/footer1.xml", format!("{ct}.footer+xml")),
        ("/word/footer2.xml", format!("{ct}.footer+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".into(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".into(),
        ),
    ];
    let props = (
        "/customXml/itemProps1.xml",
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml".into(),
    );
    for (part, ty) in parts.into_iter().chain(hidden.then_some(props)) {
        xml.leaf_empty(
            "Override",
            &[("PartName", part.into()), ("ContentType", ty)],
        );
    }
    xml.finish("Types").into_bytes()
}

fn package_rels() -> Vec<u8> {
    let mut xml = Xml::new("Relationships", &[("xmlns", RELS_NS.into())]);
    let rel = |xml: &mut Xml, id: &str, ty: String, target: &str| {
        xml.leaf_empty(
            "Relationship",
            &[("Id", id.into()), ("Type", ty), ("Target", target.into())],
        );
    };
    rel(
        &mut xml,
        "rId1",
        format!("{REL}/officeDocument"),
        "word/document.xml",
    );
    rel(
        &mut xml,
        "rId2",
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
            .into(),
        "docProps/core.xml",
    );
    rel(
        &mut xml,
        "rId3",
        format!("{REL}/extended-properties"),
        "docProps/app.xml",
    );
    xml.finish("Relationships").into_bytes()
}

/// The document part's relationships: styles, settings, the two footers, the pictures
/// (`rIdImgN` as `runs.rs` names them).
fn document_rels(media: &[(String, Vec<u8>)], hidden: bool) -> Vec<u8> {
    let mut xml = Xml::new("Relationships", &[("xmlns", RELS_NS.into())]);
    let mut rel = |id: String, kind: &str, target: &str| {
        xml.leaf_empty(
            "Relationship",
            &[
                ("Id", id),
                ("Type", format!("{REL}/{kind}")),
                ("Target", target.into()),
            ],
        );
    };
    rel("rIdStyles".into(), "styles", "styles.xml");
    rel("rIdSettings".into(), "settings", "settings.xml");
    rel("rIdFooterOdd".into(), "footer", "footer1.xml");
    rel("rIdFooterEven".into(), "footer", "footer2.xml");
    for (n, (name, _)) in media.iter().enumerate() {
        rel(
            format!("rIdImg{}", n + 1),
            "image",
            &format!("media/{name}"),
        );
    }
    if hidden {
        rel("rIdDraft".into(), "customXml", "../customXml/item1.xml");
    }
    xml.finish("Relationships").into_bytes()
}

/// Title, author, subject, keywords and the document date (never the clock).
fn core(laid: &Laid) -> Vec<u8> {
    let info = laid.document.info();
    let date = laid.doc.date;
    let stamp = format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        date.year, date.month, date.day
    );
    let mut xml = Xml::new(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties".into(),
            ),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/".into()),
            ("xmlns:dcterms", "http://purl.org/dc/terms/".into()),
            (
                "xmlns:xsi",
                "http://www.w3.org/2001/XMLSchema-instance".into(),
            ),
        ],
    );
    if let Some(title) = &info.title {
        xml.leaf("dc:title", &[], title);
    }
    if let Some(author) = info.author.first() {
        xml.leaf("dc:creator", &[], author);
    }
    xml.leaf("dc:subject", &[], laid.doc.kind);
    let keywords: Vec<String> = info.keywords.iter().map(ToString::to_string).collect();
    xml.leaf("cp:keywords", &[], &keywords.join(", "));
    for name in ["dcterms:created", "dcterms:modified"] {
        xml.leaf(name, &[("xsi:type", "dcterms:W3CDTF".into())], &stamp);
    }
    xml.finish("cp:coreProperties").into_bytes()
}

fn app() -> Vec<u8> {
    let mut xml = Xml::new(
        "Properties",
        &[(
            "xmlns",
            "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties".into(),
        )],
    );
    xml.leaf(
        "Application",
        &[],
        concat!("zyz ", env!("CARGO_PKG_VERSION")),
    );
    xml.finish("Properties").into_bytes()
}
