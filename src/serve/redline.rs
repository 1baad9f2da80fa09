//! Serve, 修改对照: a document's 修改对照稿 against `HEAD`, as `zyz diff --redline` makes it —
//! the document planned from the content at HEAD (read by the compare stage, in memory), its
//! context marked against the working tree's by the compare stage, typeset with the session's
//! templates — and drawn. The last few are kept (a page of them is asked for per page drawing).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::compare::git::Repo;
use crate::diag::Diagnostic;
use crate::pipeline::Session;
use crate::plan::Doc;

use super::glyphs::Glyphs;
use super::svg::Pages;

/// The kept redlines: (document path, its version, HEAD's commit) → the pages.
type Kept = Vec<((String, String, String), Arc<Pages>)>;

static KEPT: Mutex<Kept> = Mutex::new(Vec::new());

/// How many redlines are kept.
const KEEP: usize = 4;

/// The 修改对照稿 of `doc` against HEAD, drawn.
pub fn draw(session: &Session, doc: &Doc, glyphs: &Glyphs) -> Result<Arc<Pages>, Vec<Diagnostic>> {
    let options = &session.options;
    let fail = |message: String| {
        vec![Diagnostic::error(
            &options.content,
            0,
            0,
            "redline",
            message,
        )]
    };
    let repo = Repo::discover(&options.content).map_err(|e| fail(format!("{e:#}")))?;
    let head = repo
        .head()
        .ok_or_else(|| fail("仓库还没有提交，无从对照（先提交一次内容）".to_owned()))?;
    let key = (doc.path.clone(), doc.inputs_sha256.clone(), head);
    if let Some((_, pages)) = KEPT
        .lock()
        .expect("redline lock")
        .iter()
        .find(|(k, _)| *k == key)
    {
        return Ok(pages.clone());
    }
    let side = repo
        .revision("HEAD", &options.content, &options.templates)
        .map_err(|e| fail(format!("{e:#}")))?;
    let loaded = crate::model::load(&side.content).map_err(|e| fail(format!("{e:#}")))?;
    let report = crate::check::check(&loaded.content);
    let old_docs = crate::plan::documents(&loaded.content, &report, &BTreeSet::new());
    let Some(old) = old_docs.iter().find(|d| d.path == doc.path) else {
        return Err(fail(
            "HEAD 中还没有这份文件：它是提交之后才有的，没有可对照的旧稿".to_owned(),
        ));
    };
    let context = crate::compare::redline::marked(&old.context.value(), &doc.context.value());
    let preamble = crate::compare::redline_preamble("HEAD", "working tree");
    let (document, warnings) = session.pages_in_memory(doc, &context, &preamble)?;
    let pages = Arc::new(Pages::draw("redline", &document, &warnings, None, glyphs));
    let mut kept = KEPT.lock().expect("redline lock");
    kept.push((key, pages.clone()));
    if kept.len() > KEEP {
        kept.remove(0);
    }
    Ok(pages)
}
