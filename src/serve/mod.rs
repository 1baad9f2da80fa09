//! `zyz serve`: the build and watch loop of `zyz watch` (the same session and incremental
//! rebuild, [`crate::cmd::watch::follow`]) plus a local web server (tiny_http) showing the towns,
//! what is due, the register, the findings and every document's pages, all in Chinese and drawn
//! from the stages' own results: nothing here decides a rule. Open pages follow the saves over a
//! server-sent event stream. It listens on loopback only unless told otherwise (and then only with
//! an access token), answers GET alone and writes nothing.
//!
//! One file per concern: `state` (the snapshot of the last build), `svg` (pages drawn),
//! `glyphs` (their glyph outlines, sent once),
//! `http` (listening, the checks every request passes, routing), `files` (the downloads and the
//! embedded assets), `live` (the event stream), `view` (the facts the pages show) and one file per
//! page family under `pages/`.

mod files;
mod glyphs;
mod http;
mod live;
mod pages;
mod redline;
mod state;
mod svg;
mod view;

use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use anyhow::bail;

use crate::Exit;
use crate::cli::ServeArgs;
use crate::pipeline::Session;
use state::{Snapshot, State};

/// Entry point of `zyz serve`.
pub fn run(args: &ServeArgs) -> anyhow::Result<Exit> {
    let token = access_token(args.host, args.token)?;
    let options = crate::cmd::build::options_from(&args.build)?;
    let mut session = Session::new(options)?;
    // the state is made after the first build; the hook reaches it through this cell
    let cell: Arc<std::sync::OnceLock<std::sync::Weak<State>>> = Arc::default();
    let hook_cell = cell.clone();
    let hook: crate::pipeline::OnLaid = Arc::new(
        move |doc: &crate::plan::Doc,
              document: &typst_layout::PagedDocument,
              warnings: &[crate::diag::Diagnostic]| {
            if let Some(state) = hook_cell.get().and_then(std::sync::Weak::upgrade)
                && state.is_open(&doc.path)
            {
                let before = state.pages.latest(&doc.path);
                let pages = svg::Pages::draw(
                    &doc.inputs_sha256,
                    document,
                    warnings,
                    before.as_deref(),
                    &state.pages.glyphs,
                );
                state.pages.put(&doc.path, Arc::new(pages));
                state.drawn(&doc.path, &doc.inputs_sha256);
            }
        },
    );
    session.set_on_laid(hook);
    let open_cell = cell.clone();
    session.set_looked_at(Arc::new(move |path: &str| {
        (open_cell.get().and_then(std::sync::Weak::upgrade)).is_some_and(|s| s.is_open(path))
    }));
    let quiet = args.build.quiet;
    let summary = crate::cmd::build::build_once(&session, quiet)?;
    crate::cmd::build::print_summary(&summary, &args.build, &session.options.content);
    let Some(first) = Snapshot::of(&session, &summary, 0) else {
        bail!("the first build planned nothing to show");
    };
    drop(summary);
    let session = Arc::new(RwLock::new(session));
    let state = Arc::new(State::new(session.clone(), first, token.clone()));
    let _ = cell.set(Arc::downgrade(&state));
    let (server, addr) = http::bind(args.host, args.port)?;
    let url = match &token {
        Some(token) => format!("http://{addr}/?token={token}"),
        None => format!("http://{addr}/"),
    };
    eprintln!("serving {url} (Ctrl-C to stop)");
    http::start(server, state.clone(), addr, token.is_some());
    if args.open
        && let Err(err) = open::that_detached(&url)
    {
        eprintln!("warning: cannot open a browser ({err}); open {url} yourself");
    }
    crate::cmd::watch::follow(&session, &args.build, |session, _, result| {
        state.update(session, result);
    })?;
    Ok(Exit::Success)
}

/// The access token every request must carry: made when `--token` is given; a non-loopback
/// `--host` without it is refused.
fn access_token(host: IpAddr, wanted: bool) -> anyhow::Result<Option<String>> {
    if !host.is_loopback() && !wanted {
        bail!(
            "--host {host} is not a loopback address: anyone who can reach this machine on the network could read the towns' data and documents (hint: add --token, and zyz makes an access token and prints the address with it; or leave out --host to listen on 127.0.0.1 only)"
        );
    }
    if !wanted {
        return Ok(None);
    }
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("cannot make a token: {e}"))?;
    Ok(Some(bytes.iter().map(|b| format!("{b:02x}")).collect()))
}
