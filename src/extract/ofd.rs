//! Extract stage, OFD: the text of an OFD package (GB/T 33190) zyz wrote. OFD keeps no structure
//! tree like a tagged PDF, so the text comes as the pages draw it: each page's `TextObject`s in
//! drawing order (the zip crate opens the package, roxmltree reads the XML), runs on one baseline
//! joined into a line, one block per line. Turned runs (a `CTM`, as on sideways pages) keep their
//! drawing order and start a line of their own when their line changes.

use std::io::Read;

use roxmltree::{Document, Node};

use super::{Block, Extracted, Kind};

/// Reads the text of an OFD package.
pub fn read(bytes: &[u8]) -> Result<Extracted, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|err| format!("cannot open the OFD package: {err}"))?;
    let ofd = part(&mut zip, "OFD.xml")?;
    let root =
        element_text(&parse(&ofd, "OFD.xml")?, "DocRoot").ok_or("OFD.xml names no DocRoot")?;
    let folder = root.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
    let document = part(&mut zip, &root)?;
    let pages: Vec<String> = parse(&document, &root)?
        .descendants()
        .filter(|n| n.tag_name().name() == "Page")
        .filter_map(|n| n.attribute("BaseLoc").map(|l| join(&folder, l)))
        .collect();
    let mut blocks = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let content = part(&mut zip, page)?;
        let lines = lines(&parse(&content, page)?);
        blocks.extend(lines.into_iter().map(|text| Block {
            kind: Kind::Paragraph,
            cells: vec![text],
            page: i + 1,
        }));
    }
    Ok(Extracted {
        pages: pages.len(),
        blocks,
    })
}

/// A page's text lines: runs in drawing order, a new line where the baseline moves.
fn lines(page: &Document) -> Vec<String> {
    let mut out: Vec<(f64, String)> = Vec::new();
    for object in page
        .descendants()
        .filter(|n| n.tag_name().name() == "TextObject")
    {
        let boundary = numbers(object.attribute("Boundary").unwrap_or(""));
        let turned = object.attribute("CTM").is_some();
        for code in object
            .children()
            .filter(|n| n.tag_name().name() == "TextCode")
        {
            let text = code.text().unwrap_or("");
            let offset = if turned { "X" } else { "Y" };
            let along = code
                .attribute(offset)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0);
            // the baseline on the page: the boundary's top (left for turned runs) plus the offset
            let base = boundary.get(usize::from(!turned)).copied().unwrap_or(0.0) + along;
            match out.last_mut() {
                Some((b, line)) if (*b - base).abs() < 0.5 => line.push_str(text),
                _ => out.push((base, text.to_owned())),
            }
        }
    }
    out.into_iter()
        .map(|(_, line)| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

fn part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<String, String> {
    let mut file = zip
        .by_name(name)
        .map_err(|err| format!("the OFD package has no {name}: {err}"))?;
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|err| format!("cannot read {name} in the OFD package: {err}"))?;
    Ok(text)
}

fn parse<'a>(text: &'a str, name: &str) -> Result<Document<'a>, String> {
    Document::parse(text).map_err(|err| format!("{name} in the OFD package is not XML: {err}"))
}

fn element_text(doc: &Document, name: &str) -> Option<String> {
    let node: Node = doc.descendants().find(|n| n.tag_name().name() == name)?;
    Some(node.text()?.trim().to_owned())
}

fn numbers(text: &str) -> Vec<f64> {
    text.split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// `location` relative to `folder` inside the package (absolute when it starts with `/`).
fn join(folder: &str, location: &str) -> String {
    match location.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None if folder.is_empty() => location.to_owned(),
        None => format!("{folder}/{location}"),
    }
}
