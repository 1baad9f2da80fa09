//! `zyz watch` as a user runs it: one build at start, then exactly one build per save, naming only
//! the file saved; its own reads of the content and templates never count as changes.

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{copy_dir, repo, sample};

/// A running `zyz watch` whose stderr is collected; killed when dropped.
struct Watch {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Watch {
    fn start(project: &Path) -> Watch {
        let fonts = repo().join("fonts");
        let mut child = Command::new(
            std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into()),
        )
        .current_dir(project)
        .args(["watch", "-j", "2", "--fonts"])
        .arg(&fonts)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zyz watch starts");
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
        Watch { child, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Completed builds: each ends with the summary line.
    fn builds(&self) -> usize {
        self.log().matches(" up to date, ").count()
    }

    /// Waits until `done` holds of the log (panics with the log after `limit`).
    fn wait_for(&self, what: &str, limit: Duration, done: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !done(&self.log()) {
            assert!(
                start.elapsed() < limit,
                "no {what} after {limit:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_builds_once_per_save_and_names_only_the_saved_file() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &tmp.path().join("content"));
    copy_dir(&repo().join("templates"), &tmp.path().join("templates"));
    let watch = Watch::start(tmp.path());
    let slow = Duration::from_secs(600);
    watch.wait_for("first build", slow, |log| log.contains("watching "));
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(watch.builds(), 1, "one build at start:\n{}", watch.log());
    assert!(!watch.log().contains("changed:"), "{}", watch.log());

    // A real edit: 卿头镇's local jobs, which its application shows.
    let town = tmp.path().join("content/towns/qingtou.yaml");
    let text = std::fs::read_to_string(&town).unwrap();
    assert!(text.contains("local_jobs: 620\n"));
    std::fs::write(
        &town,
        text.replace("local_jobs: 620\n", "local_jobs: 640\n"),
    )
    .unwrap();
    watch.wait_for("second build", slow, |log| {
        log.matches(" up to date, ").count() >= 2
    });
    std::thread::sleep(Duration::from_secs(3));
    let log = watch.log();
    assert_eq!(
        watch.builds(),
        2,
        "exactly one build after the save:\n{log}"
    );
    let changed: Vec<&str> = log.lines().filter(|l| l.starts_with("changed:")).collect();
    assert_eq!(
        changed,
        [format!(
            "changed: {}",
            Path::new("content/towns/qingtou.yaml").display()
        )],
        "{log}"
    );
    let second = log.split("watching ").nth(1).unwrap();
    assert!(
        second.contains("built 2025/towns/qingtou/application.pdf"),
        "the edited town's application is rebuilt:\n{log}"
    );

    // `sed -i` writes a temporary file and renames it over the town's: one save, one build (it
    // used to build twice and print every finding twice)
    let status = Command::new("sed")
        .args(["-i", "s/^local_jobs: 640$/local_jobs: 660/"])
        .arg(&town)
        .status()
        .unwrap();
    assert!(status.success());
    watch.wait_for("third build", slow, |log| {
        log.matches(" up to date, ").count() >= 3
    });
    std::thread::sleep(Duration::from_secs(3));
    let log = watch.log();
    assert_eq!(watch.builds(), 3, "exactly one build for sed -i:\n{log}");
    assert_eq!(
        log.lines().filter(|l| l.starts_with("changed:")).count(),
        2,
        "{log}"
    );
}

/// A save that comes while a long build runs (a template edited: every document again) does not
/// wait for the whole of it: the documents not yet started are left, listed, and made after the
/// save — nothing is lost (a build after it has nothing to do) and the saved value is in the PDF.
#[test]
fn a_save_during_a_long_build_is_not_kept_waiting_and_nothing_is_lost() {
    let project = common::Project::sample();
    let dir = project.dir.path();
    copy_dir(&repo().join("templates"), &dir.join("templates"));
    let watch = Watch::start(dir);
    let slow = Duration::from_secs(600);
    watch.wait_for("first build", slow, |log| log.contains("watching "));

    // every document is stale after a template edit
    let template = dir.join("templates/application.typ.j2");
    let mut text = std::fs::read_to_string(&template).unwrap();
    text.push_str("{# 校对后重排 #}\n");
    std::fs::write(&template, text).unwrap();
    watch.wait_for("the template build under way", slow, |log| {
        log.split("changed: ")
            .nth(1)
            .is_some_and(|l| l.contains("] built "))
    });
    // the town saved while it runs
    let town = dir.join("content/towns/qingtou.yaml");
    let text = std::fs::read_to_string(&town).unwrap();
    std::fs::write(
        &town,
        text.replace("local_jobs: 620\n", "local_jobs: 655\n"),
    )
    .unwrap();
    watch.wait_for("the save's build", slow, |log| {
        log.split("changed: ")
            .nth(2)
            .is_some_and(|l| l.contains(" up to date, "))
    });
    let log = watch.log();
    let template_build = log.split("changed: ").nth(1).unwrap();
    assert!(
        template_build.contains(" left for the next build (a newer save came)"),
        "the template build left what it had not started:\n{log}"
    );
    // quiet now: a build has nothing left to make, and the application holds the new figure
    std::thread::sleep(Duration::from_secs(2));
    drop(watch);
    let fonts = repo().join("fonts");
    let out = common::zyz(dir, &["build", "--fonts", fonts.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\n0 built, "),
        "nothing left stale:\n{stderr}"
    );
    let pdf = dir.join("output/2025/towns/qingtou/application.pdf");
    let text = common::zyz(dir, &["text", pdf.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("655"));
}
