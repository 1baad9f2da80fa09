//! Serve, files: the downloads — only the files `output/manifest.json` lists, read from the output
//! folder and never through a symlink that leads out of it — and the page's own assets, embedded
//! in the binary (CSS, script) or the bundled font the pages' Chinese is drawn with.

use std::path::Path;

use super::http::{Body, Reply};
use super::state::State;

const CSS: &str = include_str!("assets/app.css");
const SCRIPT: &str = include_str!("assets/live.js");

/// The bundled fonts the page uses (from `--fonts`): regular and bold 黑体.
const FONTS: [(&str, &str); 2] = [
    ("ui.ttf", "FandolHei-Regular.ttf"),
    ("ui-bold.ttf", "FandolHei-Bold.ttf"),
];

/// `/files/<path>`: a file of the manifest, as it is on disk.
pub fn download(state: &State, path: &str) -> Reply {
    let snapshot = state.snapshot();
    let listed = snapshot
        .manifest
        .documents
        .iter()
        .any(|e| e.path == path || e.files.iter().any(|f| f.path == path));
    if !listed {
        return Reply::not_found();
    }
    let out = state
        .session
        .read()
        .expect("session lock")
        .options
        .out
        .clone();
    let Some(file) = inside(&out, path) else {
        return Reply::not_found();
    };
    let name = Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    Reply {
        status: 200,
        kind: kind_of(path),
        body: Body::File(file),
        headers: vec![(
            "Content-Disposition",
            format!("attachment; filename*=UTF-8''{encoded}"),
        )],
    }
}

/// Opens `out/rel` if it is a regular file whose real path lies inside `out`.
fn inside(out: &Path, rel: &str) -> Option<std::fs::File> {
    if rel.starts_with('/') || Path::new(rel).is_absolute() {
        return None;
    }
    let root = out.canonicalize().ok()?;
    let real = out.join(rel).canonicalize().ok()?;
    if !real.starts_with(&root) || !real.is_file() {
        return None;
    }
    std::fs::File::open(real).ok()
}

/// `/assets/<name>`: the stylesheet, the script and the web fonts.
pub fn asset(state: &State, name: &str) -> Reply {
    let cache = ("Cache-Control", "max-age=86400".to_owned());
    match name {
        "app.css" => Reply::bytes(200, "text/css; charset=utf-8", CSS.as_bytes().to_vec()),
        "live.js" => Reply::bytes(
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes().to_vec(),
        ),
        _ => {
            let Some((_, file)) = FONTS.iter().find(|(n, _)| *n == name) else {
                return Reply::not_found();
            };
            let dir = state
                .session
                .read()
                .expect("session lock")
                .options
                .fonts
                .bundled
                .clone();
            match std::fs::File::open(dir.join(file)) {
                Ok(f) => Reply {
                    status: 200,
                    kind: "font/ttf",
                    body: Body::File(f),
                    headers: vec![cache],
                },
                Err(_) => Reply::not_found(),
            }
        }
    }
}

/// The content type of a download, by its extension.
fn kind_of(path: &str) -> &'static str {
    match Path::new(path).extension().and_then(|e| e.to_str()) {
        Some("pdf") => "application/pdf",
        Some("ofd") => "application/ofd",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}
