//! `zyz serve` as the office uses it (issue 22), over HTTP on a copy of the sample: every page
//! answers with the facts a user checks, the downloads are the files in output/, the pages follow
//! a save (and a broken save shows its error), and what must be refused is refused.

mod common;

use std::path::Path;
use std::time::Duration;

use common::serve::{Serve, bin, project};

/// The towns' names and verdicts as the check stage gives them.
fn verdicts(content: &Path) -> Vec<(String, String)> {
    let loaded = zyz::model::load(content).unwrap();
    let report = zyz::check::check(&loaded.content);
    loaded
        .content
        .towns
        .iter()
        .map(|t| {
            let verdict = report
                .verdict(&t.id)
                .map(|v| v.summary())
                .unwrap_or_default();
            (t.name.clone(), verdict)
        })
        .collect()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn every_page_shows_what_the_office_checks() {
    let tmp = project();
    // the ranking built and issued first: its 文号 must show
    let fonts = common::repo().join("fonts");
    common::zyz(
        tmp.path(),
        &[
            "build",
            "--kind",
            "ranking",
            "--fonts",
            fonts.to_str().unwrap(),
        ],
    );
    let issued = common::zyz(
        tmp.path(),
        &[
            "issue",
            "2025/city/ranking.pdf",
            "--signed-off-by",
            "王建国",
            "--fonts",
            common::repo().join("fonts").to_str().unwrap(),
        ],
    );
    let serve = Serve::start(tmp.path(), &[]);
    let out = tmp.path().join("output");

    let overview = serve.get("/");
    assert_eq!(overview.status, 200);
    let html = overview.text();
    for (name, verdict) in verdicts(&tmp.path().join("content")) {
        assert!(html.contains(&name), "{name} on the overview");
        assert!(
            !verdict.is_empty() && html.contains(&verdict),
            "{name}: {verdict}"
        );
    }
    assert!(html.contains("全市性文件") && html.contains("按名称"));

    // 张营镇 reports 460 jobs against the standard's 500: a failed criterion
    let town = serve.get("/town/zhangying");
    assert_eq!(town.status, 200);
    let html = town.text();
    let row = html
        .split("<tr")
        .skip(1)
        .find(|r| r.contains("就业带动性强"))
        .expect("the employment criterion");
    assert!(row.contains("class=\"fail\"") && row.contains('✗'), "{row}");
    assert!(
        row.contains("460人") && row.contains("能够解决当地就业500人以上"),
        "{row}"
    );
    assert!(html.contains("standard.employment"), "the town's findings");

    // a document: as many pages drawn as the manifest says it has
    let manifest = manifest(&out);
    let docs = manifest["documents"].as_array().unwrap();
    let app = docs
        .iter()
        .find(|d| d["path"] == "2025/towns/qingtou/application.pdf")
        .unwrap();
    let pages = app["pages"].as_u64().unwrap() as usize;
    let page = serve.get("/doc/2025/towns/qingtou/application.pdf");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains(&format!("共{pages}页")), "page count");
    assert_eq!(html.matches("<figure class=\"page\"").count(), pages);
    // each page's drawing inline, the glyph outlines it uses once in the hidden <svg>
    assert_eq!(html.matches("<div class=\"sheet\"").count(), pages);
    let uses = html.matches("xlink:href=\"#g").count();
    let outlines = html.matches("<symbol id=\"g").count();
    assert!(
        outlines > 100 && uses > outlines,
        "{outlines} outlines, {uses} uses"
    );
    let src = html.split("data-src=\"").nth(1).unwrap();
    let src = &src[..src.find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#x2f;", "/");
    // the whole SVG of a page (glyph outlines put back) and its drawing alone
    let svg = serve.get(src);
    assert_eq!(svg.status, 200, "{src}");
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    let whole = svg.text();
    assert!(whole.starts_with("<svg") && whole.contains("<symbol id=\"g"));
    let drawing = serve.get(&format!("{src}&part=body")).text();
    assert!(drawing.starts_with("<svg") && !drawing.contains("<symbol"));
    assert!(
        drawing.len() * 3 < whole.len(),
        "{} of {}",
        drawing.len(),
        whole.len()
    );
    let first = &drawing[drawing.find("xlink:href=\"#").unwrap() + 13..];
    let id = &first[..first.find('"').unwrap()];
    let asked = serve.get(&format!("/glyphs?ids={id}")).text();
    assert_eq!(asked.matches("<symbol").count(), 1, "{asked}");
    assert!(html.contains("卿头镇"), "the pages' text layer");
    assert!(html.contains("修改对照"));

    // the issued ranking's 文号, on the overview, its page and the register, file unchanged
    assert!(
        issued.status.success(),
        "{}",
        String::from_utf8_lossy(&issued.stderr)
    );
    let register = std::fs::read_to_string(tmp.path().join("content/register.yaml")).unwrap();
    // the ranking's entry (the sample's register holds its issued notices before it)
    let entry = register
        .split("\n  - ")
        .find(|e| e.contains("path: \"2025/city/ranking.pdf\""))
        .unwrap();
    let serial: String = entry
        .lines()
        .find_map(|l| l.trim().strip_prefix("serial: "))
        .unwrap()
        .to_owned();
    let wenhao = format!("〔2025〕{serial}号");
    assert!(
        serve.get("/").text().contains(&wenhao),
        "{wenhao} on the overview"
    );
    let ranking = serve.get("/doc/2025/city/ranking.pdf").text();
    assert!(ranking.contains(&wenhao) && ranking.contains("已印发"));
    let reg = serve.get("/register");
    assert_eq!(reg.status, 200);
    let reg = reg.text();
    assert!(
        reg.contains(&wenhao) && reg.contains("王建国") && reg.contains("一致"),
        "{reg}"
    );

    // downloads: byte for byte the files in output/
    for doc in docs {
        let mut paths = vec![doc["path"].as_str().unwrap().to_owned()];
        for f in doc["files"].as_array().unwrap() {
            paths.push(f["path"].as_str().unwrap().to_owned());
        }
        for path in paths {
            let got = serve.get(&format!("/files/{path}"));
            assert_eq!(got.status, 200, "{path}");
            assert_eq!(got.body, std::fs::read(out.join(&path)).unwrap(), "{path}");
        }
    }

    // 待办 and 检查
    let due = serve.get("/due");
    assert_eq!(due.status, 200);
    assert!(
        due.text().contains("逾期"),
        "something is overdue in the sample"
    );
    let later = serve.get("/due?as_of=2030-01-01").text();
    assert!(later.contains("2030年1月1日"));
    let check = serve.get("/check");
    assert_eq!(check.status, 200);
    let check = check.text();
    assert!(
        check.contains("zhangying.yaml") && check.contains("local_jobs: 460"),
        "the YAML line"
    );
    assert!(check.contains("verdict[standard.employment]"));

    for path in [
        "/nothing",
        "/town/nobody",
        "/doc/2025/towns/nobody/application.pdf",
        "/files/manifest.json",
        "/files/2025/towns/qingtou/application.typ",
        "/assets/nothing.css",
    ] {
        assert_eq!(serve.get(path).status, 404, "{path}");
    }
}

#[test]
fn what_must_be_refused_is_refused() {
    let tmp = project();
    let serve = Serve::start(tmp.path(), &[]);
    let host = format!("127.0.0.1:{}", serve.port);
    let own = [("Host", host.as_str())];
    for path in [
        "/files/../Cargo.toml",
        "/files/../content/city.yaml",
        "/files/%2e%2e/content/city.yaml",
        "/files/%2E%2E%2Fcontent%2Fcity.yaml",
        "/files/..%2fcontent%2fcity.yaml",
        "/files//etc/passwd",
        "/files/%2fetc%2fpasswd",
        "/files/2025/..%5c..%5ccontent%5ccity.yaml",
        "/assets/../../fonts/FandolHei-Regular.ttf",
        "/doc/../../etc/passwd",
    ] {
        let got = serve.request("GET", path, &own);
        assert_eq!(got.status, 404, "{path}: {}", got.text());
    }
    // a listed file replaced by a symlink leading out of output/
    let listed = tmp.path().join("output/2025/city/ranking.pdf");
    std::fs::remove_file(&listed).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("content/city.yaml"), &listed).unwrap();
    assert_eq!(
        serve
            .request("GET", "/files/2025/city/ranking.pdf", &own)
            .status,
        404
    );

    // DNS rebinding: another site's name for this address
    for foreign in [
        "evil.example",
        "evil.example:80",
        &format!("attacker.test:{}", serve.port),
    ] {
        let got = serve.request("GET", "/", &[("Host", foreign)]);
        assert_eq!(got.status, 403, "Host {foreign}");
    }
    assert_eq!(serve.request("GET", "/", &[]).status, 403, "no Host");
    // read-only
    assert_eq!(serve.request("POST", "/", &own).status, 405);
    assert_eq!(serve.request("PUT", "/files/x", &own).status, 405);

    // the live connection: another site's page is refused, ours is let in
    let mut foreign = serve.events("", &[("Origin", "http://evil.example")]);
    assert!(foreign.status().contains(" 403"), "foreign Origin");
    let mut cross = serve.events("", &[("Sec-Fetch-Site", "cross-site")]);
    assert!(cross.status().contains(" 403"), "cross-site fetch");
    let origin = format!("http://{host}");
    let mut ours = serve.events("", &[("Origin", &origin)]);
    assert!(ours.status().contains(" 200"), "own Origin");
}

#[test]
fn a_non_loopback_host_needs_a_token() {
    let tmp = project();
    let out = std::process::Command::new(bin())
        .current_dir(tmp.path())
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--host 0.0.0.0 is not a loopback address") && err.contains("--token"),
        "{err}"
    );

    // with --token every request needs it; the printed address carries it, then a cookie
    let serve = Serve::start(tmp.path(), &["--token"]);
    let log = serve.log();
    let token = log
        .split("?token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert_eq!(token.len(), 32, "{log}");
    assert_eq!(serve.get("/").status, 403);
    assert_eq!(serve.get("/?token=wrong").status, 403);
    let first = serve.get(&format!("/?token={token}"));
    assert_eq!(first.status, 200);
    let cookie = first
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let host = format!("127.0.0.1:{}", serve.port);
    let again = serve.request("GET", "/check", &[("Host", &host), ("Cookie", &cookie)]);
    assert_eq!(again.status, 200);
}

#[test]
fn a_save_redraws_the_open_document_and_a_broken_save_shows_its_error() {
    let serve = Serve::sample();
    let path = "2025/towns/zhangying/application.pdf";
    let before = serve.get(&format!("/pages/{path}")).text();
    assert!(before.contains("460"), "the application shows 460 jobs");
    let mut live = serve.events(&format!("?doc={path}"), &[]);
    assert!(live.status().contains(" 200"));
    let builds = serve.builds();

    // `sed -i`: a temporary file renamed over the town's file
    let town = serve.dir.join("content/towns/zhangying.yaml");
    let status = std::process::Command::new("sed")
        .args(["-i", "s/^local_jobs: 460$/local_jobs: 520/"])
        .arg(&town)
        .status()
        .unwrap();
    assert!(status.success());
    // first the open document's new pages (told as soon as they are drawn), then the build's end
    let change = live.next_change();
    assert!(change["docs"][path].is_string(), "{change}");
    assert_eq!(change["overlay"], false);
    let version = change["docs"][path].as_str().unwrap().to_owned();
    let after: serde_json::Value =
        serde_json::from_str(&serve.get(&format!("/pages/{path}?v={version}")).text()).unwrap();
    let text: String = after["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(text.contains("520"), "the new value on the pages");
    assert_eq!(after["version"], version);
    // told which pages the browser holds, `/pages` sends the drawings of the others with the list
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let pages = v["pages"].as_array().unwrap();
        pages
            .iter()
            .map(|p| p["key"].as_str().unwrap().to_owned())
            .collect()
    };
    let held = keys(&before).join(",");
    let asked = serve
        .get(&format!("/pages/{path}?v={version}&have={held}"))
        .text();
    let asked: serde_json::Value = serde_json::from_str(&asked).unwrap();
    let (old, new) = (keys(&before), keys(&asked));
    assert!(new.iter().any(|k| !old.contains(k)), "a page was redrawn");
    for page in asked["pages"].as_array().unwrap() {
        let redrawn = !old.contains(&page["key"].as_str().unwrap().to_owned());
        let body = page["body"].as_str();
        assert_eq!(
            body.is_some(),
            redrawn,
            "a drawing only for a redrawn page: {page}"
        );
        if let Some(body) = body {
            let src = page["src"].as_str().unwrap();
            assert_eq!(body, serve.get(&format!("{src}&part=body")).text());
        }
    }
    let generation = change["generation"].as_u64().unwrap();
    while live.next_change()["generation"].as_u64().unwrap() == generation {}
    // the town now meets the employment criterion
    let page = serve.get("/town/zhangying").text();
    let row = page
        .split("<tr")
        .skip(1)
        .find(|r| r.contains("就业带动性强"))
        .unwrap();
    assert!(
        row.contains("class=\"pass\"") && row.contains("520人"),
        "{row}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        serve.builds(),
        builds + 1,
        "one build for one save:\n{}",
        serve.log()
    );

    // a save that breaks the YAML: the overlay, over the last good pages
    let good = std::fs::read_to_string(&town).unwrap();
    std::fs::write(&town, good.replace("local_jobs: 520", "local_jobs: [520")).unwrap();
    let mut change = live.next_change();
    while change["overlay"] != true {
        change = live.next_change();
    }
    let page = serve.get("/").text();
    let overlay = &page[page.find("id=\"overlay\"").unwrap()..];
    assert!(
        overlay.contains("zhangying.yaml:24:"),
        "file and line: {overlay}"
    );
    assert!(overlay.contains("error["), "{overlay}");
    assert!(page.contains("张营镇"), "the last good overview underneath");
    let pages = serve.get(&format!("/pages/{path}")).text();
    assert!(pages.contains("520"), "the last good pages stay");
    // fixed: the overlay goes
    std::fs::write(&town, &good).unwrap();
    let change = live.next_change();
    assert_eq!(change["overlay"], false, "{change}");
    let page = serve.get("/").text();
    assert!(
        page.contains("id=\"overlay\" class=\"overlay\" hidden"),
        "overlay cleared"
    );
}

/// A document whose PDF on disk was made from other data than the content holds now (a town not
/// in the selection, or left for the next build while saves came) says so: 待更新, not 草稿.
#[test]
fn a_document_made_from_older_data_shows_as_waiting() {
    let tmp = project();
    // 卿头镇 edited before the server starts; only 张营镇's documents are built
    let town = tmp.path().join("content/towns/qingtou.yaml");
    let text = std::fs::read_to_string(&town).unwrap();
    std::fs::write(
        &town,
        text.replace("local_jobs: 620\n", "local_jobs: 640\n"),
    )
    .unwrap();
    let serve = Serve::start(tmp.path(), &["--town", "zhangying"]);
    let page = serve.get("/town/qingtou").text();
    let row = |page: &str, title: &str| -> String {
        let rows = page.split("<tr").skip(1);
        rows.filter(|r| r.contains(title))
            .collect::<Vec<_>>()
            .concat()
    };
    let application = row(&page, "县级专业镇认定申报书");
    assert!(application.contains("待更新"), "{page}");
    // the selected town's, made now from the data it shows: a draft
    let page = serve.get("/town/zhangying").text();
    let built = row(&page, "县级专业镇认定申报书");
    assert!(
        built.contains("草稿") && !built.contains("待更新"),
        "{built}"
    );
}
