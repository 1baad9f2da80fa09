//! Serve, live: `/events`, a server-sent event stream per open page. After each build it sends
//! one `change` event (JSON: the generation, the documents whose pages changed with their new
//! version, whether a broken file's overlay shows); the page's script redraws what changed. A
//! connection whose `Origin` is not this server's (another site's page) is refused. The thread
//! sleeps between builds: a comment every [`KEEPALIVE`] finds closed connections.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::Request;

use super::http::{Asked, Guard};
use super::state::State;

/// How long a quiet connection waits before a keep-alive comment.
const KEEPALIVE: Duration = Duration::from_secs(30);

/// Answers `/events`: refuses a foreign origin, else streams changes on a thread of its own.
pub fn events(
    request: Request,
    state: Arc<State>,
    asked: &Asked,
    guard: &Guard,
    origin: Option<String>,
    site: Option<String>,
) {
    let foreign_origin = origin.is_some_and(|o| !guard.origins.contains(&o));
    let foreign_site = site.is_some_and(|s| s != "same-origin" && s != "none");
    if foreign_origin || foreign_site {
        let reply = tiny_http::Response::from_string("403 实时连接只接受本服务页面的请求")
            .with_status_code(403);
        let _ = request.respond(reply);
        return;
    }
    let doc = asked.query("doc").map(str::to_owned);
    let seen = state.seq();
    let spawned = std::thread::Builder::new()
        .name("zyz-serve-live".to_owned())
        .spawn(move || {
            let _open = doc.as_deref().map(|d| state.open(d));
            let _ = stream(request, &state, seen);
        });
    if let Err(err) = spawned {
        eprintln!("warning: cannot start a live connection: {err}");
    }
}

/// Writes the stream until the browser goes away.
fn stream(request: Request, state: &State, mut seen: u64) -> std::io::Result<()> {
    let mut writer = request.into_writer();
    // written by hand: tiny_http would send the stream chunked, which browsers refuse for events
    write!(
        writer,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n"
    )?;
    writer.flush()?;
    loop {
        match state.wait_change(seen, KEEPALIVE) {
            Some(change) => {
                seen = change.seq;
                let json = serde_json::to_string(&change).unwrap_or_default();
                write!(writer, "event: change\ndata: {json}\n\n")?;
            }
            None => write!(writer, ": keep-alive\n\n")?,
        }
        writer.flush()?;
    }
}
