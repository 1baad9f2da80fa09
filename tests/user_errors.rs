//! What a user gets wrong, and what zyz then says: a content file that is a symlink out of the
//! content folder (refused, naming the link, printing nothing of the target), characters pasted
//! from a word processor (removed, with a located warning), and a `--town` or `--kind` that
//! selects nothing (a usage error with "did you mean").

mod common;

use std::path::Path;

use common::pdf::Pdf;
use common::{Project, build, stderr, zyz};

/// A file outside the content folder that looks like `/etc/passwd`.
fn secret(project: &Project) -> std::path::PathBuf {
    let path = project.dir.path().join("secret.yaml");
    std::fs::write(&path, "root:x:0:0:secret-marker:/root:/bin/bash\n").unwrap();
    path
}

#[test]
fn a_symlink_out_of_the_content_folder_is_refused_without_showing_its_target() {
    let project = Project::sample();
    let target = secret(&project);
    let link = project.content().join("towns/x.yaml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let content = project.content().display().to_string();
    let out = project.dir.path().join("out");
    for output in [
        zyz(project.dir.path(), &["check", "--content", &content]),
        build(&project.content(), &out, &["--kind", "ranking"]),
    ] {
        let text = String::from_utf8_lossy(&output.stdout).into_owned() + &stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(!text.contains("secret-marker"), "target shown:\n{text}");
        assert!(!text.contains("secret.yaml"), "target named:\n{text}");
        let expected = format!(
            "error[file.outside-content]: 此文件是指向内容目录之外的符号链接，拒绝读取（内容目录之外的文件一概不读）\n  --> {}\n  = hint: 把要用的文件复制到内容目录里，再删除这个链接；指向内容目录之内的链接可以使用\n",
            link.display()
        );
        assert!(text.contains(&expected), "{text}");
    }

    // fonts.yaml is read by the font set, and is refused the same way (a usage error).
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&target, project.content().join("fonts.yaml")).unwrap();
    let output = build(&project.content(), &out, &[]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(!text.contains("secret-marker"), "{text}");
    assert!(
        text.contains("fonts.yaml is a symlink that leads outside the content folder"),
        "{text}"
    );
}

#[test]
fn symlinks_inside_the_content_folder_keep_working() {
    let project = Project::sample();
    let archive = project.content().join("archive");
    std::fs::create_dir(&archive).unwrap();
    let town = project.content().join("towns/qingtou.yaml");
    std::fs::rename(&town, archive.join("qingtou.yaml")).unwrap();
    std::os::unix::fs::symlink("../archive/qingtou.yaml", &town).unwrap();
    let loaded = zyz::model::load(&project.content()).unwrap();
    assert!(
        loaded.content.towns.iter().any(|t| t.id == "qingtou"),
        "{:#?}",
        loaded.diagnostics
    );
    assert!(
        !loaded
            .diagnostics
            .iter()
            .any(|d| d.rule.starts_with("file.")),
        "{:#?}",
        loaded.diagnostics
    );
}

#[test]
fn pasted_invisible_characters_are_removed_with_a_located_warning() {
    let project = Project::sample();
    let town = project.content().join("towns/qingtou.yaml");
    let text = std::fs::read_to_string(&town).unwrap();
    let text = text
        .replace("name: 卿头镇\n", "name: 卿头\u{200B}镇\n")
        .replace(
            "leading_industry: 机电配套制造",
            "leading_industry: 机电\u{AD}配套制造",
        );
    std::fs::write(&town, text).unwrap();
    let out = project.dir.path().join("out");
    let output = build(
        &project.content(),
        &out,
        &["--town", "qingtou", "--kind", "application", "--details"],
    );
    let log = stderr(&output);
    let shown = Path::new(&project.content()).join("towns/qingtou.yaml");
    let warning = format!(
        "warning[text.invisible]: 已删除不可见字符 U+200B ZERO WIDTH SPACE（零宽空格）\n  --> {}:7:9\n",
        shown.display()
    );
    assert!(log.contains(&warning), "{log}");
    assert!(log.contains("  = field: name\n"), "{log}");
    assert!(
        log.contains("已删除不可见字符 U+00AD SOFT HYPHEN（软连字符）"),
        "{log}"
    );
    assert!(log.contains("1 built"), "{log}");
    let pdf = Pdf::open(&out.join("2025/towns/qingtou/application.pdf")).unwrap();
    let pdf_text: String = pdf.text().chars().filter(|c| !c.is_whitespace()).collect();
    assert!(pdf_text.contains("卿头镇"), "{pdf_text}");
    assert!(pdf_text.contains("机电配套制造"), "{pdf_text}");
    assert!(!pdf_text.contains('\u{200B}') && !pdf_text.contains('\u{AD}'));
}

/// `zyz build` with `args` on the sample: (exit code, stderr), and whether anything was written.
fn select(args: &[&str]) -> (Option<i32>, String, bool) {
    let project = Project::sample();
    let out = project.dir.path().join("out");
    let output = build(&project.content(), &out, args);
    // written by a build: the manifest (the sample's archive is copied into `out` beforehand)
    (
        output.status.code(),
        stderr(&output),
        out.join("manifest.json").exists(),
    )
}

#[test]
fn an_unknown_town_or_a_kind_the_town_lacks_is_a_usage_error() {
    let (code, log, wrote) = select(&["--town", "nosuch"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(!wrote, "nothing is built");
    assert!(
        log.contains("error: --town nosuch: there is no town `nosuch` in ")
            && log.contains("(hint: the towns are: chengbei, chengdong, chengxi, hanyang, kaizhang, kaolao, puzhou, qingtou, yuxiang, zhangying)"),
        "{log}"
    );

    let (code, log, _) = select(&["--town", "qingtuo"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("(hint: did you mean `qingtou`?)"), "{log}");

    let (code, log, wrote) = select(&["--town", "qingtou", "--kind", "supervision-notice"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(!wrote);
    assert!(
        log.contains("error: --town qingtou --kind supervision-notice: town `qingtou` has no `supervision-notice` document (hint: its documents are: application, action-plan)"),
        "{log}"
    );

    let (code, log, _) = select(&["--town", "qingtou", "--kind", "ranking"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(
        log.contains("; `ranking` is city-wide: build it without --town)"),
        "{log}"
    );

    let (code, log, _) = select(&["--kind", "aplication"]);
    assert_eq!(code, Some(2), "{log}");
    assert!(log.contains("did you mean `application`?"), "{log}");
}
