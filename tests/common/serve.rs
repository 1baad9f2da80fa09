//! A running `zyz serve` on a copy of the sample, and a plain HTTP client that sends requests
//! exactly as written (a foreign `Host`, a path no client library would send).
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{copy_dir, repo, sample};

/// A `zyz serve` whose stderr is collected; killed when dropped.
pub struct Serve {
    child: Child,
    log: Arc<Mutex<String>>,
    pub port: u16,
    /// The project folder: content/, templates/, output/.
    pub dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

/// A project folder with a copy of the sample content, the templates and the committed output
/// (so the first build finds most documents up to date).
pub fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &tmp.path().join("content"));
    copy_dir(&repo().join("templates"), &tmp.path().join("templates"));
    if repo().join("output/manifest.json").is_file() {
        copy_dir(&repo().join("output"), &tmp.path().join("output"));
    }
    tmp
}

/// The zyz binary under test.
pub fn bin() -> std::ffi::OsString {
    std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into())
}

impl Serve {
    /// Starts `zyz serve` in `dir` with `extra` arguments and waits for its address.
    pub fn start(dir: &Path, extra: &[&str]) -> Serve {
        let mut child = Command::new(bin())
            .current_dir(dir)
            .args(["serve", "-j", "2", "--port", "0", "--fonts"])
            .arg(repo().join("fonts"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("zyz serve starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut serve = Serve {
            child,
            log,
            port: 0,
            dir: dir.to_path_buf(),
            _tmp: None,
        };
        serve.wait_for("the address", Duration::from_secs(900), |log| {
            log.contains("watching ")
        });
        let log = serve.log();
        let at = log
            .find("serving http://127.0.0.1:")
            .expect("the address is printed");
        let rest = &log[at + "serving http://127.0.0.1:".len()..];
        serve.port = rest[..rest.find('/').unwrap()].parse().unwrap();
        serve
    }

    /// A copy of the sample, served.
    pub fn sample() -> Serve {
        let tmp = project();
        let mut serve = Serve::start(tmp.path(), &[]);
        serve._tmp = Some(tmp);
        serve
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until `done` holds of the log (panics with the log after `limit`).
    pub fn wait_for(&self, what: &str, limit: Duration, done: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !done(&self.log()) {
            assert!(
                start.elapsed() < limit,
                "no {what} after {limit:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Completed builds (each ends with the summary line).
    pub fn builds(&self) -> usize {
        self.log().matches(" up to date, ").count()
    }

    /// `GET path` with this server's own Host.
    pub fn get(&self, path: &str) -> Answer {
        self.request(
            "GET",
            path,
            &[("Host", &format!("127.0.0.1:{}", self.port))],
        )
    }

    /// A request with exactly these headers (no Host unless given).
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        Answer::parse(&bytes)
    }

    /// Opens the live stream (`/events?...`) with these extra headers; the stream's first bytes.
    pub fn events(&self, query: &str, headers: &[(&str, &str)]) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(300)))
            .unwrap();
        let mut head = format!(
            "GET /events{query} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n",
            self.port
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        Events {
            reader: BufReader::new(stream),
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP answer.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    fn parse(bytes: &[u8]) -> Answer {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete answer");
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
            .collect();
        let mut body = bytes[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
        Answer {
            status,
            headers,
            body,
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = body.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(std::str::from_utf8(&body[..end]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 2 + size + 2..];
    }
}

/// An open live stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The status line.
    pub fn status(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        line
    }

    /// The data of the next `change` event.
    pub fn next_change(&mut self) -> serde_json::Value {
        let mut event = false;
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).unwrap();
            assert!(n > 0, "the stream ended");
            if line.starts_with("event: change") {
                event = true;
            } else if event && let Some(data) = line.strip_prefix("data: ") {
                return serde_json::from_str(data.trim()).unwrap();
            }
        }
    }
}
