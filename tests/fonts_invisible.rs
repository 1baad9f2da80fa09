//! The bundled fonts' outline format is invisible (issue 16): every document of the shipped sample
//! has the same text at the same glyph positions and the same `zyz preview` pages as the reference
//! recorded in `tests/fixtures/fonts-invisible/` — recorded with the fonts' original CFF outlines,
//! checked against whatever fonts/ holds now (TrueType outlines since issue 16).
//!
//! - Text layer (read with `tests/common/pdf.rs`, not our code): per page, per line, the text, its
//!   extent and baseline, and a digest of every glyph's text, origin, advance end and size at
//!   1/1000 pt. Must be identical; a difference names the document, page and line.
//! - Pages: `zyz preview` PNGs at the default 1.5 px/pt, turned to grey and averaged over 4 × 4
//!   pixel blocks (27 dpi; small enough to commit). Tolerance per page: mean |difference| ≤
//!   [`MEAN_TOLERANCE`] and no block off by more than [`BLOCK_TOLERANCE`] (of 255). A glyph set in
//!   another face or moved by half a point breaks the block limit (see the last test).
//!
//! `ZYZ_BLESS=1 cargo test --test fonts_invisible` re-writes the reference from the current fonts —
//! only for a deliberate, reviewed change of the sample's look.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::pdf::{Page, Pdf};

/// Mean absolute difference per block (of 255) a page may show.
const MEAN_TOLERANCE: f64 = 0.5;
/// The largest difference (of 255) any one 4 × 4 block may show.
const BLOCK_TOLERANCE: u8 = 40;
/// Preview pixels per block side.
const BLOCK: usize = 4;

fn reference() -> PathBuf {
    common::fixtures().join("fonts-invisible")
}

fn bless() -> bool {
    std::env::var_os("ZYZ_BLESS").is_some()
}

/// One built document: its manifest entry's kind, town and path, and the PDF file.
struct Doc {
    kind: String,
    town: Option<String>,
    /// `2025/towns/x/application.pdf` → `2025-towns-x-application`.
    stem: String,
    pdf: PathBuf,
}

/// Builds the sample once into `out` and lists its documents from the manifest.
fn build_sample(out: &Path) -> Vec<Doc> {
    let run = common::build(&common::sample(), out, &["-q"]);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("manifest.json")).unwrap_or_else(|e| {
            panic!("no manifest.json ({e}): {}", common::stderr(&run));
        }),
    )
    .unwrap();
    let docs: Vec<Doc> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            Doc {
                kind: d["kind"].as_str().unwrap().to_owned(),
                town: d["town"].as_str().map(str::to_owned),
                stem: path.trim_end_matches(".pdf").replace('/', "-"),
                pdf: out.join(path),
            }
        })
        .collect();
    assert!(docs.len() >= 20, "the sample builds its documents");
    docs
}

/// The text layer of one page as lines of `baseline x_min x_max size glyphs digest | text`.
fn text_layer(page: &Page) -> String {
    let mut out = String::new();
    for line in page.lines() {
        // The glyphs of this line: those whose baseline is within the line's band.
        let mut digest = Fnv::default();
        let mut count = 0;
        for g in page.glyphs.iter().filter(|g| {
            g.baseline >= line.y_top - 0.01
                && g.baseline <= line.y_bottom + 0.01
                && !g.text.is_empty()
        }) {
            let key = format!(
                "{}@{:.3},{:.3}-{:.3}/{:.3}",
                g.text, g.origin.0, g.origin.1, g.x_max, g.size
            );
            digest.feed(key.as_bytes());
            count += 1;
        }
        writeln!(
            out,
            "{:.3} {:.3} {:.3} {:.3} {count} {:016x} | {}",
            line.baseline, line.x_min, line.x_max, line.size, digest.0, line.text
        )
        .unwrap();
    }
    out
}

/// FNV-1a, 64 bit: a stable digest without a new dependency.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 ^= 0xff;
    }
}

/// The text layer of a whole PDF, pages headed `## page N`.
fn pdf_text_layer(path: &Path) -> String {
    let pdf = Pdf::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = String::new();
    for (i, page) in pdf.pages.iter().enumerate() {
        writeln!(
            out,
            "## page {} ({:.1} x {:.1} pt)",
            i + 1,
            page.width_pt,
            page.height_pt
        )
        .unwrap();
        out.push_str(&text_layer(page));
    }
    out
}

/// Where the text layers of `actual` and `expected` part, as a message naming page and line.
fn text_difference(actual: &str, expected: &str) -> Option<String> {
    let mut page = "(before the first page)";
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
    for i in 0..a.len().max(e.len()) {
        let (x, y) = (a.get(i).copied(), e.get(i).copied());
        if let Some(head) = y.filter(|l| l.starts_with("## ")) {
            page = head;
        }
        if x != y {
            return Some(format!(
                "{page}, line {}:\n  expected: {}\n  actual:   {}\n(columns: baseline x_min x_max size glyphs digest-of-glyph-positions | text)",
                i + 1,
                y.unwrap_or("(nothing)"),
                x.unwrap_or("(nothing)")
            ));
        }
    }
    None
}

#[test]
fn every_sample_document_has_the_reference_text_at_the_reference_glyph_positions() {
    let dir = tempfile::tempdir().unwrap();
    let docs = build_sample(&dir.path().join("output"));
    let mut failures = Vec::new();
    for doc in &docs {
        let actual = pdf_text_layer(&doc.pdf);
        let file = reference().join(format!("{}.txt", doc.stem));
        if bless() {
            std::fs::create_dir_all(reference()).unwrap();
            std::fs::write(&file, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&file).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (a new document? ZYZ_BLESS=1 records it)",
                file.display()
            )
        });
        if let Some(diff) = text_difference(&actual, &expected) {
            failures.push(format!("{}: {diff}", doc.stem));
        }
    }
    assert!(
        failures.is_empty(),
        "text layer changed:\n{}",
        failures.join("\n\n")
    );
}

/// A grey image, one byte per pixel.
#[derive(Debug, Clone, PartialEq)]
struct Grey {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

fn decode_png(bytes: &[u8]) -> Grey {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let pixels = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| match channels {
            1 | 2 => p[0],
            // Rec. 601 luma; alpha (if any) ignored: preview pages are opaque.
            _ => {
                ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000)
                    as u8
            }
        })
        .collect();
    Grey {
        width,
        height,
        pixels,
    }
}

fn encode_png(image: &Grey) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, image.width as u32, image.height as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&image.pixels).unwrap();
    writer.finish().unwrap();
    bytes
}

/// Averages `BLOCK` × `BLOCK` pixel blocks (a partial block at the edges averages what it has).
fn downscale(image: &Grey) -> Grey {
    let (w, h) = (image.width.div_ceil(BLOCK), image.height.div_ceil(BLOCK));
    let mut pixels = Vec::with_capacity(w * h);
    for by in 0..h {
        for bx in 0..w {
            let (mut sum, mut n) = (0u32, 0u32);
            for y in by * BLOCK..((by + 1) * BLOCK).min(image.height) {
                for x in bx * BLOCK..((bx + 1) * BLOCK).min(image.width) {
                    sum += u32::from(image.pixels[y * image.width + x]);
                    n += 1;
                }
            }
            pixels.push(((sum + n / 2) / n) as u8);
        }
    }
    Grey {
        width: w,
        height: h,
        pixels,
    }
}

/// Mean and largest absolute difference, or a message when the sizes differ.
fn compare(actual: &Grey, expected: &Grey) -> Result<(f64, u8, (usize, usize)), String> {
    if (actual.width, actual.height) != (expected.width, expected.height) {
        return Err(format!(
            "size {}×{} blocks, expected {}×{}",
            actual.width, actual.height, expected.width, expected.height
        ));
    }
    let (mut sum, mut worst, mut at) = (0u64, 0u8, 0usize);
    for (i, (a, e)) in actual.pixels.iter().zip(&expected.pixels).enumerate() {
        let d = a.abs_diff(*e);
        sum += u64::from(d);
        if d > worst {
            (worst, at) = (d, i);
        }
    }
    let mean = sum as f64 / actual.pixels.len() as f64;
    Ok((mean, worst, (at % actual.width, at / actual.width)))
}

/// Whether a comparison is within the tolerance; else what is off, in words.
fn judge(actual: &Grey, expected: &Grey) -> Result<(f64, u8), String> {
    let (mean, worst, (bx, by)) = compare(actual, expected)?;
    if mean > MEAN_TOLERANCE || worst > BLOCK_TOLERANCE {
        // Block → millimetres from the page's top-left corner (1.5 px/pt).
        let mm = |b: usize| (b * BLOCK) as f64 / 1.5 * 25.4 / 72.0;
        return Err(format!(
            "mean difference {mean:.3}/255 (limit {MEAN_TOLERANCE}), largest {worst}/255 (limit {BLOCK_TOLERANCE}) at {:.0} mm from the left, {:.0} mm from the top",
            mm(bx),
            mm(by)
        ));
    }
    Ok((mean, worst))
}

/// `zyz preview` of one document into `out`: its PNG pages in order, grey and downscaled.
fn preview(doc: &Doc, out: &Path) -> Vec<Grey> {
    let repo = common::repo();
    let (templates, fonts) = (repo.join("templates"), repo.join("fonts"));
    let content = common::sample();
    let town = doc.town.as_deref().unwrap_or("-");
    let args = [
        "preview",
        &doc.kind,
        town,
        "--content",
        content.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
        "--fonts",
        fonts.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let run = common::zyz(&repo, &args);
    assert!(
        run.status.success(),
        "zyz preview {} {town}: {}",
        doc.kind,
        common::stderr(&run)
    );
    String::from_utf8(run.stdout)
        .unwrap()
        .lines()
        .map(|path| downscale(&decode_png(&std::fs::read(path).unwrap())))
        .collect()
}

#[test]
fn every_sample_page_previews_like_the_reference_within_the_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let docs = build_sample(&dir.path().join("output"));
    let (mut failures, mut pages, mut worst_mean, mut worst_block) = (Vec::new(), 0, 0.0f64, 0u8);
    for doc in &docs {
        let images = preview(doc, &dir.path().join("preview").join(&doc.stem));
        let listed = reference().join(format!("{}.pages", doc.stem));
        if bless() {
            for (i, image) in images.iter().enumerate() {
                let file = reference().join(format!("{}-{}.png", doc.stem, i + 1));
                std::fs::write(file, encode_png(image)).unwrap();
            }
            std::fs::write(&listed, format!("{}\n", images.len())).unwrap();
            continue;
        }
        let count: usize = std::fs::read_to_string(&listed)
            .unwrap_or_else(|e| panic!("{}: {e}", listed.display()))
            .trim()
            .parse()
            .unwrap();
        if images.len() != count {
            failures.push(format!(
                "{}: {} pages, expected {count}",
                doc.stem,
                images.len()
            ));
            continue;
        }
        for (i, image) in images.iter().enumerate() {
            let file = reference().join(format!("{}-{}.png", doc.stem, i + 1));
            let expected = decode_png(&std::fs::read(&file).unwrap());
            pages += 1;
            match judge(image, &expected) {
                Ok((mean, worst)) => {
                    worst_mean = worst_mean.max(mean);
                    worst_block = worst_block.max(worst);
                }
                Err(why) => failures.push(format!("{} page {}: {why}", doc.stem, i + 1)),
            }
        }
    }
    eprintln!(
        "{pages} pages compared: largest mean difference {worst_mean:.3}/255, largest block difference {worst_block}/255"
    );
    assert!(
        failures.is_empty(),
        "pages differ:\n{}",
        failures.join("\n")
    );
}

/// The comparison can fail: the application's first page against itself with its ink moved
/// right by one preview pixel (0.67 pt), or with one line's glyphs blanked, is out of tolerance.
#[test]
fn a_page_moved_by_a_pixel_or_missing_a_line_is_out_of_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let doc = Doc {
        kind: "application".into(),
        town: Some("chengbei".into()),
        stem: "probe".into(),
        pdf: PathBuf::new(),
    };
    let out = dir.path().join("preview");
    preview(&doc, &out);
    let full = decode_png(&std::fs::read(out.join(first_png(&out))).unwrap());
    let reference = downscale(&full);
    assert!(
        judge(&downscale(&full), &reference).is_ok(),
        "a page matches itself"
    );

    let mut moved = full.clone();
    for row in moved.pixels.chunks_mut(full.width) {
        row.rotate_right(1);
        row[0] = 255;
    }
    let moved_err = judge(&downscale(&moved), &reference);
    assert!(
        moved_err.is_err(),
        "a one-pixel shift is caught: {moved_err:?}"
    );

    // Blank the first dark row band (the first line of ink) across the page.
    let ink_row = (0..full.height)
        .find(|&y| {
            full.pixels[y * full.width..(y + 1) * full.width]
                .iter()
                .any(|&p| p < 128)
        })
        .expect("the page has ink");
    let mut blanked = full.clone();
    for y in ink_row..(ink_row + 12).min(full.height) {
        blanked.pixels[y * full.width..(y + 1) * full.width].fill(255);
    }
    let blank_err = judge(&downscale(&blanked), &reference);
    assert!(
        blank_err.is_err(),
        "a missing line is caught: {blank_err:?}"
    );
}

/// The first page's file name in a preview folder (`<stem>-1.png`).
fn first_png(dir: &Path) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.ends_with("-1.png"))
        .expect("a first page")
}
