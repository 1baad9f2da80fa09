//! Export stage, PNG: a laid-out document's pages as PNG images (typst-render), for `zyz preview`
//! — a quick look without a PDF viewer. One file per page, so it stands beside [`super::Exporter`].

use anyhow::Context as _;
use typst_layout::PagedDocument;

/// Every page as PNG bytes, at `scale` pixels per point.
pub fn pages(document: &PagedDocument, scale: f32) -> anyhow::Result<Vec<Vec<u8>>> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(scale)),
        render_bleed: false,
    };
    document
        .pages()
        .iter()
        .map(|page| {
            typst_render::render(page, &options)
                .encode_png()
                .context("cannot encode the page as PNG")
        })
        .collect()
}
