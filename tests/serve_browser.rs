//! `zyz serve` in a real browser (issue 22): Debian's Chromium, headless, with no CJK fonts of its
//! own. `--dump-dom` of the overview holds every town; then, driven over the DevTools protocol
//! (tests/serve_browser.py), the overview and a document page are loaded and screenshotted
//! (into target/serve-browser/), the town's file is saved, and the open document page shows the
//! new value without a reload. Skips, saying why, when Chromium is not installed (`.ci/run`
//! installs it).

mod common;

use std::process::Command;

use common::serve::Serve;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn the_office_desk_in_a_real_browser() {
    let Some(chromium) = chromium() else {
        eprintln!("SKIPPED: no chromium here (apt-get install chromium; .ci/run does)");
        return;
    };
    let serve = Serve::sample();
    let base = format!("http://127.0.0.1:{}", serve.port);

    // the page as Chromium builds it
    let dump = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("{base}/"))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dump.stdout);
    for name in ["张营镇", "卿头镇", "开张镇"] {
        assert!(dom.contains(name), "{name} in the DOM:\n{dom}");
    }
    assert!(
        dom.contains("就业带动性强：460人"),
        "张营镇's employment figure"
    );

    let out = common::repo().join("target/serve-browser");
    let doc = "2025/towns/zhangying/application.pdf";
    let town = serve.dir.join("content/towns/zhangying.yaml");
    let run = Command::new("python3")
        .arg(common::repo().join("tests/serve_browser.py"))
        .args([
            &base,
            doc,
            town.to_str().unwrap(),
            out.to_str().unwrap(),
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&run.stderr),
        serve.log()
    );
    let result: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        result["font"], true,
        "the bundled web font draws the Chinese"
    );
    let overview = result["overview_text"].as_str().unwrap();
    assert!(
        overview.contains("张营镇") && overview.contains("不符合"),
        "{overview}"
    );
    let pages = result["doc_pages"].as_u64().unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(serve.dir.join("output/manifest.json")).unwrap())
            .unwrap();
    let entry = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == doc)
        .unwrap();
    assert_eq!(pages, entry["pages"].as_u64().unwrap(), "every page drawn");
    assert!(result["doc_text"].as_str().unwrap().contains("460"));
    // saved once: the open page shows 471 (460 + 11), and it was not reloaded
    assert_eq!(result["last_value"], 471);
    assert!(result["doc_text_after"].as_str().unwrap().contains("471"));
    assert_eq!(result["loaded_before"], result["loaded_after"], "no reload");
    for shot in [
        "serve-overview.png",
        "serve-document.png",
        "serve-document-after.png",
    ] {
        let bytes = std::fs::read(out.join(shot)).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{shot}"
        );
    }
}
