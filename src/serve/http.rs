//! Serve, HTTP: listening (the next free port when the one asked for is taken), the checks every
//! request passes before anything is read — GET or HEAD only, a `Host` naming this server (a
//! page of another site reaching it through DNS rebinding names its own host), the access token
//! when one is required — and the routes.

use std::io::{self, Cursor};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;

use anyhow::bail;
use tiny_http::{Header, Method, Request, Response, Server};

use super::state::State;

/// How many ports after the one asked for are tried.
const PORTS_TRIED: u16 = 20;

/// Threads answering requests (a live connection takes a thread of its own).
const WORKERS: usize = 4;

/// The name of the cookie that carries the access token once a page was opened with it.
const COOKIE: &str = "zyz_token";

/// Listens on `host`, at `port` or the next free one (saying which).
pub fn bind(host: IpAddr, port: u16) -> anyhow::Result<(Server, SocketAddr)> {
    for candidate in port..port.saturating_add(PORTS_TRIED) {
        let addr = SocketAddr::new(host, candidate);
        match listen(addr) {
            Ok(listener) => {
                if candidate != port {
                    eprintln!("port {port} is taken; using {candidate}");
                }
                let addr = listener.local_addr()?;
                let server = Server::from_listener(listener, None)
                    .map_err(|e| anyhow::anyhow!("cannot start the web server: {e}"))?;
                return Ok((server, addr));
            }
            Err(err) if err.kind() == io::ErrorKind::AddrInUse => continue,
            Err(err) => bail!("cannot listen on {addr}: {err}"),
        }
    }
    bail!(
        "ports {port} to {} are all taken (hint: --port N)",
        port.saturating_add(PORTS_TRIED - 1)
    )
}

/// A listening socket whose connections send each write at once (`TCP_NODELAY`, which accepted
/// sockets take from it). tiny_http writes a reply's head and its body separately: with Nagle's
/// algorithm the body waited for the browser's delayed acknowledgement, 40 ms a reply once the
/// connection was warm, twice on every redraw after a save.
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_tcp_nodelay(true)?;
    // as std's `TcpListener::bind` does on Unix: a restarted server takes its port back at once
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// What every request is checked against.
pub struct Guard {
    /// `Host` values naming this server (checked when no token is required).
    hosts: Vec<String>,
    /// Origins a live connection may come from.
    pub origins: Vec<String>,
    /// With a token, any host may be named: the token is what lets a request in.
    tokened: bool,
}

impl Guard {
    fn new(addr: SocketAddr, tokened: bool) -> Self {
        let port = addr.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
            hosts.push(addr.to_string());
        }
        let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
        Self {
            hosts,
            origins,
            tokened,
        }
    }

    /// Whether the `Host` header names this server.
    fn host_ok(&self, host: Option<&str>) -> bool {
        match host {
            Some(host) => self.tokened || self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)),
            None => false,
        }
    }
}

/// Starts the worker threads; they run for as long as the process.
pub fn start(server: Server, state: Arc<State>, addr: SocketAddr, tokened: bool) {
    let server = Arc::new(server);
    let guard = Arc::new(Guard::new(addr, tokened));
    for i in 0..WORKERS {
        let (server, state, guard) = (server.clone(), state.clone(), guard.clone());
        std::thread::Builder::new()
            .name(format!("zyz-serve-{i}"))
            .spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &state, &guard);
                }
            })
            .expect("a server thread starts");
    }
}

/// A reply: status, content type, body and extra headers.
pub struct Reply {
    pub status: u16,
    pub kind: &'static str,
    pub body: Body,
    pub headers: Vec<(&'static str, String)>,
}

/// A reply's body: bytes made here, or a file streamed from disk.
pub enum Body {
    Bytes(Vec<u8>),
    File(std::fs::File),
}

impl Reply {
    pub fn html(text: String) -> Self {
        Self::bytes(200, "text/html; charset=utf-8", text.into_bytes())
    }

    pub fn bytes(status: u16, kind: &'static str, body: Vec<u8>) -> Self {
        Self {
            status,
            kind,
            body: Body::Bytes(body),
            headers: Vec::new(),
        }
    }

    pub fn text(status: u16, text: &str) -> Self {
        Self::bytes(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    pub fn not_found() -> Self {
        Self::text(404, "404 找不到该页面或文件")
    }

    pub fn with(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// A request's path (percent-decoded) and query pairs.
pub struct Asked {
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl Asked {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn handle(request: Request, state: &Arc<State>, guard: &Guard) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return send(request, Reply::text(405, "只读：只接受 GET 请求"));
    }
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.as_str().to_owned())
    };
    if !guard.host_ok(header("Host").as_deref()) {
        return send(request, Reply::text(403, "403 Host 不是本服务的地址"));
    }
    let Some(asked) = parse_url(request.url()) else {
        return send(request, Reply::not_found());
    };
    let mut set_cookie = None;
    if let Some(token) = &state.token {
        let cookie = header("Cookie").unwrap_or_default();
        let by_cookie = cookie
            .split(';')
            .filter_map(|c| c.trim().split_once('='))
            .any(|(k, v)| k == COOKIE && same(v, token));
        let by_query = asked.query("token").is_some_and(|t| same(t, token));
        if !by_cookie && !by_query {
            return send(
                request,
                Reply::text(403, "403 需要访问令牌：请用 zyz serve 打印的地址打开"),
            );
        }
        if by_query {
            set_cookie = Some(format!(
                "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
            ));
        }
    }
    if asked.path == "/events" {
        let origin = header("Origin");
        let site = header("Sec-Fetch-Site");
        return super::live::events(request, state.clone(), &asked, guard, origin, site);
    }
    let mut reply = route(state, &asked);
    if let Some(cookie) = set_cookie {
        reply = reply.with("Set-Cookie", cookie);
    }
    send(request, reply);
}

/// Compares a token in time independent of where the first difference is.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Picks the page or file asked for.
fn route(state: &State, asked: &Asked) -> Reply {
    let path = asked.path.as_str();
    let pages = super::pages::Pages { state, asked };
    match path {
        "/" => pages.overview(),
        "/due" => pages.due(),
        "/register" => pages.register(),
        "/check" => pages.check(),
        "/glyphs" => pages.glyphs(),
        _ => {
            if let Some(id) = path.strip_prefix("/town/") {
                pages.town(id)
            } else if let Some(doc) = path.strip_prefix("/doc/") {
                pages.document(doc)
            } else if let Some(doc) = path.strip_prefix("/pages/") {
                pages.document_pages(doc)
            } else if let Some(rest) = path.strip_prefix("/svg/") {
                pages.page_svg(rest)
            } else if let Some(file) = path.strip_prefix("/files/") {
                super::files::download(state, file)
            } else if let Some(asset) = path.strip_prefix("/assets/") {
                super::files::asset(state, asset)
            } else {
                Reply::not_found()
            }
        }
    }
}

/// Splits and decodes a request URL; `None` for what no page of ours can be: a path that is not
/// absolute, or that after decoding has `..`, `.` or empty segments, a backslash or a NUL.
pub fn parse_url(url: &str) -> Option<Asked> {
    let (raw, query) = url.split_once('?').unwrap_or((url, ""));
    if !raw.starts_with('/') || raw.starts_with("//") {
        return None;
    }
    let path = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?
        .into_owned();
    let inner = path.strip_prefix('/')?;
    let bad_segment = inner
        .split('/')
        .enumerate()
        .any(|(i, s)| s == ".." || s == "." || (s.is_empty() && i + 1 != inner.split('/').count()));
    if bad_segment || path.contains(['\\', '\0']) || path.contains("//") {
        return None;
    }
    let query = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect();
    Some(Asked { path, query })
}

/// Security headers on every reply: nothing of ours runs inline script or loads from elsewhere,
/// nor is framed by another site.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

fn send(request: Request, reply: Reply) {
    let mut headers = vec![
        header("Content-Type", reply.kind),
        header("X-Content-Type-Options", "nosniff"),
        header("Referrer-Policy", "no-referrer"),
        header("Content-Security-Policy", POLICY),
    ];
    headers.extend(reply.headers.iter().map(|(k, v)| header(k, v)));
    let status = tiny_http::StatusCode(reply.status);
    let _ = match reply.body {
        Body::Bytes(bytes) => {
            let len = bytes.len();
            request.respond(Response::new(
                status,
                headers,
                Cursor::new(bytes),
                Some(len),
                None,
            ))
        }
        Body::File(file) => {
            let len = file.metadata().ok().map(|m| m.len() as usize);
            request.respond(Response::new(status, headers, file, len, None))
        }
    };
}

pub fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_never_parses() {
        for url in [
            "/files/../Cargo.toml",
            "/files/%2e%2e/Cargo.toml",
            "/files/%2E%2E%2FCargo.toml",
            "/files/2025/./x.pdf",
            "//etc/passwd",
            "/files//etc/passwd",
            "/files/%2fetc%2fpasswd",
            "/files/a%5c..%5cb",
            "/files/a%00b",
            "files/x",
        ] {
            assert!(parse_url(url).is_none(), "{url}");
        }
        let asked = parse_url("/doc/2025/city/ranking.pdf?as_of=2025-10-01&x").unwrap();
        assert_eq!(asked.path, "/doc/2025/city/ranking.pdf");
        assert_eq!(asked.query("as_of"), Some("2025-10-01"));
    }

    #[test]
    fn hosts_are_this_server_only() {
        let guard = Guard::new("127.0.0.1:8022".parse().unwrap(), false);
        assert!(guard.host_ok(Some("127.0.0.1:8022")));
        assert!(guard.host_ok(Some("localhost:8022")));
        assert!(!guard.host_ok(Some("evil.example:8022")));
        assert!(!guard.host_ok(Some("127.0.0.1:80")));
        assert!(!guard.host_ok(None));
    }
}
