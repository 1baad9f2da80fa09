//! The cycle around the documents (issue 23), as an office goes through it on a copy of the
//! sample: designation (public notice, decision, the YAML edits zyz asks for), the follow-ups of
//! issued supervision notices as the as-of day moves across their deadlines, the cultivation plan
//! and the yearly report upwards, each read from its PDF's text.

mod common;

use common::Project;
use common::pdf::Pdf;

/// `zyz build ARGS`, which must not fail a document.
fn build(p: &Project, args: &[&str]) -> String {
    let out = p.zyz("build", args);
    let err = common::stderr(&out);
    assert!(!err.contains("was not built"), "{err}");
    err
}

/// `zyz issue ARGS`, which must succeed; its stdout.
fn issue(p: &Project, args: &[&str]) -> String {
    let out = p.zyz("issue", args);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of an output PDF as `zyz text` reads it from the file alone (paragraphs, headings,
/// table rows as `a | b | c`), or None when it is not there.
fn text(p: &Project, rel: &str) -> Option<String> {
    let path = p.dir.path().join("output").join(rel);
    if !path.exists() {
        return None;
    }
    let out = common::zyz(p.dir.path(), &["text", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let read = String::from_utf8_lossy(&out.stdout).into_owned();
    Some(read)
}

/// Replaces `from` by `to` in a content file (exactly once).
fn edit(p: &Project, rel: &str, from: &str, to: &str) {
    let path = p.content().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from} once in {rel}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

/// `zyz check` of the project: its stdout and stderr.
fn check(p: &Project) -> String {
    let content = p.content().display().to_string();
    let out = common::zyz(p.dir.path(), &["check", "--content", &content]);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        common::stderr(&out)
    )
}

const PASSING: [&str; 5] = [
    "城北装备零部件专业镇",
    "韩阳芦笋专业镇",
    "开张冬枣专业镇",
    "卿头机电配套专业镇",
    "虞乡五老峰文旅康养专业镇",
];

#[test]
fn designation_lists_exactly_the_towns_that_pass_and_is_recorded_after_issue() {
    let p = Project::sample();
    build(&p, &[]);
    let decision = text(&p, "2025/city/designation.pdf").expect("the decision is built");
    for name in PASSING {
        assert!(decision.contains(name), "{name} in the decision");
    }
    // 张营镇 fails the employment criterion: in neither document
    assert!(!decision.contains("张营"), "{decision}");
    assert!(decision.contains("永政发〔2025〕31号"), "{decision}");
    assert!(
        decision.contains("决定认定以下5个专业镇为2025年度永济市县级专业镇"),
        "{decision}"
    );
    let rows = decision
        .lines()
        .filter(|l| l.contains(" | ") && !l.starts_with("序号"))
        .count();
    assert_eq!(rows, 5, "{decision}");
    assert!(decision.contains("关于认定城北装备零部件专业镇等5个专业镇为永济市县级专业镇的通知"));
    let notice = text(&p, "2025/city/designation-notice.pdf").expect("the notice is built");
    assert!(!notice.contains("张营"), "{notice}");
    assert!(
        notice.contains("公示期为2025年10月21日至10月27日（5个工作日）"),
        "{notice}"
    );
    assert!(notice.contains("市领导小组办公室（设在市工科局，联系电话：0359-8000000）"));
    // the relaxed town is marked, and only it: its row ends with the mark
    assert!(
        notice.contains(
            "\n2 | 韩阳镇 | 韩阳芦笋专业镇 | 特优农业 | 芦笋种植与加工 | 适用放宽条件（地理标志）\n"
        ),
        "{notice}"
    );
    assert!(
        notice.contains("\n4 | 卿头镇 | 卿头机电配套专业镇 | 制造业 | 机电配套制造 | —\n"),
        "{notice}"
    );
    assert_eq!(notice.matches("适用放宽条件（").count(), 1, "{notice}");

    // issuing the decision: zyz says which lines to change
    let said = issue(&p, &["2025/city/designation.pdf"]);
    assert!(
        said.contains("认定通知已印发（永政发〔2025〕31号）"),
        "{said}"
    );
    let hint = |town: &str| {
        let line = said
            .lines()
            .find(|l| l.contains(&format!("towns/{town}.yaml:")))
            .unwrap_or_else(|| panic!("{town} in {said}"));
        assert!(line.ends_with("designation.stage: 申报 → 已认定；其下加 year: 2025 和 decision: 永政发〔2025〕31号"), "{line}");
        line.split(':').nth(1).unwrap().parse::<usize>().unwrap()
    };
    for town in ["chengbei", "hanyang", "kaizhang", "qingtou", "yuxiang"] {
        let line = hint(town);
        let path = p.content().join(format!("towns/{town}.yaml"));
        let yaml = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            yaml.lines().nth(line - 1).unwrap().trim(),
            "stage: 申报",
            "{town}:{line}"
        );
        edit(
            &p,
            &format!("towns/{town}.yaml"),
            "  stage: 申报\n",
            "  stage: 已认定\n  year: 2025\n  decision: 永政发〔2025〕31号\n",
        );
    }
    assert!(!said.contains("zhangying"), "{said}");
    let checked = check(&p);
    assert!(!checked.contains("designation.unregistered"), "{checked}");
    // the issued decision is kept as issued, and the plan still lists the same towns
    let err = build(&p, &[]);
    assert!(
        !err.contains("永政发〔2025〕31号 已印发，不再重新生成"),
        "the decision's data did not change: {err}"
    );
    // a decision that is not in the register
    edit(
        &p,
        "towns/qingtou.yaml",
        "decision: 永政发〔2025〕31号",
        "decision: 永政发〔2025〕35号",
    );
    let checked = check(&p);
    assert!(checked.contains("warning[designation.unregistered]: 卿头镇的认定文件 永政发〔2025〕35号 不在发文登记簿（register.yaml）中"), "{checked}");
    assert!(
        checked.contains("content/towns/qingtou.yaml:14"),
        "{checked}"
    );
}

/// The follow-ups of each town, by kind, that exist in the output.
fn followups(p: &Project) -> Vec<String> {
    let mut found = Vec::new();
    for town in ["kaizhang", "puzhou", "zhangying"] {
        for kind in ["reminder", "circular"] {
            if p.dir
                .path()
                .join(format!("output/2025/towns/{town}/{kind}.pdf"))
                .exists()
            {
                found.push(format!("{town}/{kind}"));
            }
        }
    }
    found
}

/// The sample's register: the three supervision notices of 2025-09-05 (deadline 30 days on,
/// 2025-10-05) and 蒲州镇's reminder of 2025-10-08 (deadline 10 days on, 2025-10-18); 开张镇
/// reported on 2025-09-29. As of the document date (2025-10-20) 张营镇's reminder and 蒲州镇's
/// circular are due.
#[test]
fn reminders_and_circulars_appear_only_when_due() {
    let p = Project::sample();
    // before and on the notices' deadline: nothing but the issued reminder
    for day in ["2025-10-04", "2025-10-05"] {
        let err = build(&p, &["--as-of", day]);
        assert_eq!(followups(&p), ["puzhou/reminder"], "{day}");
        assert!(!err.contains("due:"), "{err}");
    }
    // the day after: 张营镇 did not report (开张镇 did, on 2025-09-29: no reminder)
    let err = build(&p, &["--as-of", "2025-10-06"]);
    assert_eq!(followups(&p), ["puzhou/reminder", "zhangying/reminder"]);
    assert!(err.contains("due: 张营镇：督办通知书永专领办发〔2025〕22号的整改期限2025年10月5日已过，未收到书面报告 → 催办通知 2025/towns/zhangying/reminder.pdf"), "{err}");
    let reminder = text(&p, "2025/towns/zhangying/reminder.pdf").unwrap();
    assert!(
        reminder.contains("截至2025年10月6日，仍未收到你镇的书面报告。现予催办。"),
        "{reminder}"
    );
    assert!(
        reminder.contains("于2025年10月16日前整改到位"),
        "{reminder}"
    );
    assert!(
        reminder.contains("永专领办发〔2025〕　号") || reminder.contains("永专领办发〔2025〕号"),
        "a draft's serial is blank: {reminder}"
    );
    // what the notice asked to be rectified: its overdue task (it listed no ledger problem)
    assert!(
        reminder.contains("\n一、尚未整改到位的事项\n（一）重点任务逾期未完成。共1项：\n1.酥梨果园提质改造。完成时限为2025年8月31日，目前进行中，进度60%（牵头单位张营镇人民政府，责任人刘洋）。\n"),
        "{reminder}"
    );

    // 蒲州镇's reminder (issued) ran to 2025-10-18: the circular the day after
    build(&p, &["--as-of", "2025-10-18"]);
    assert_eq!(followups(&p), ["puzhou/reminder", "zhangying/reminder"]);
    let err = build(&p, &["--as-of", "2025-10-19"]);
    assert_eq!(
        followups(&p),
        ["puzhou/reminder", "puzhou/circular", "zhangying/reminder"]
    );
    assert!(err.contains("due: 蒲州镇：催办通知永专领办发〔2025〕23号的期限2025年10月18日已过，仍未整改到位 → 通报 2025/towns/puzhou/circular.pdf"), "{err}");
    let circular = text(&p, "2025/towns/puzhou/circular.pdf").unwrap();
    for said in [
        "各镇人民政府、街道办事处，市领导小组各成员单位：",
        "现将有关情况在全市范围内通报",
        "印发催办通知（永专领办发〔2025〕23号），要求于2025年10月18日前整改到位",
        "仍未报送书面报告",
        "\n督办通知书所列事项中，截至2025年10月19日尚未整改到位的有：\n（一）重点任务逾期未完成。共1项：\n1.黄河文化旅游线路串联。完成时限为2025年8月31日",
    ] {
        assert!(circular.contains(said), "{said}: {circular}");
    }

    // a written report that leaves the notice's task undone: the circular is still due
    edit(
        &p,
        "towns/puzhou.yaml",
        "\nproblems:",
        "\nsupervision_reports:\n  - {notice: 永专领办发〔2025〕20号, received: 2025-10-15}\nproblems:",
    );
    build(&p, &[]);
    let circular = text(&p, "2025/towns/puzhou/circular.pdf").unwrap();
    assert!(
        circular.contains("虽于2025年10月15日报送书面报告，但仍有事项未整改到位"),
        "{circular}"
    );
    assert!(circular.contains("1.黄河文化旅游线路串联。"), "{circular}");
    // the task done: nothing more is due; the issued reminder stays
    edit(
        &p,
        "towns/puzhou.yaml",
        "    deadline: 2025-08-31\n    status: 进行中\n    progress: 70%",
        "    deadline: 2025-08-31\n    status: 已完成\n    progress: 100%",
    );
    build(&p, &[]);
    assert_eq!(followups(&p), ["puzhou/reminder", "zhangying/reminder"]);
}

#[test]
fn a_rectification_reported_closes_the_problem_in_the_ledger_from_its_date() {
    let p = Project::sample();
    build(&p, &["--kind", "ledger", "--as-of", "2025-09-25"]);
    let row = |ledger: &str| {
        ledger
            .lines()
            .find(|l| l.contains("2025-Q2-003"))
            .unwrap()
            .to_owned()
    };
    let ledger = text(&p, "2025/city/ledger.pdf").unwrap();
    assert!(
        row(&ledger).ends_with("| 2025年12月31日 | 整改中 | —"),
        "{ledger}"
    );
    build(&p, &["--kind", "ledger", "--as-of", "2025-09-26"]);
    let ledger = text(&p, "2025/city/ledger.pdf").unwrap();
    assert!(
        row(&ledger).ends_with("| 2025年12月31日 | 已整改 | 2025年9月26日"),
        "{ledger}"
    );
}

/// `zyz check`'s 文号 check knows the numbers city.yaml fixes for the designation documents,
/// against the assessment's and the register's.
#[test]
fn check_finds_a_designation_serial_used_twice() {
    let p = Project::sample();
    let checked = check(&p);
    assert!(!checked.contains("wenhao.duplicate"), "{checked}");
    // the ranking's number
    edit(&p, "city.yaml", "    serial: 17\n", "    serial: 18\n");
    let checked = check(&p);
    assert!(
        checked.contains("error[wenhao.duplicate]: 2025/city/ranking.pdf 与 2025/city/designation-notice.pdf 同为 永专领办发〔2025〕18号：一个文号只能用一次"),
        "{checked}"
    );
    // an issued supervision notice's number
    edit(&p, "city.yaml", "    serial: 18\n", "    serial: 20\n");
    let checked = check(&p);
    assert!(
        checked.contains("error[wenhao.duplicate]: 2025/city/designation-notice.pdf 与 2025/towns/puzhou/supervision-notice.pdf 同为 永专领办发〔2025〕20号（已印发）：一个文号只能用一次"),
        "{checked}"
    );
    assert!(checked.contains("content/city.yaml:100"), "{checked}");
}

#[test]
fn the_cultivation_plan_sets_the_gaps_as_goals() {
    let p = Project::sample();
    // 城东街道 is at the very boundary of every criterion: nothing is short
    build(&p, &["--town", "chengdong"]);
    assert!(
        !p.dir
            .path()
            .join("output/2025/towns/chengdong/action-plan.pdf")
            .exists()
    );
    let plan = text(&p, "2025/towns/chengdong/cultivation-plan.pdf").unwrap();
    assert!(plan.contains("城东农副产品加工专业镇培育方案"), "{plan}");
    assert!(
        plan.contains("（三）产值。产值已达到认定标准，巩固提升。"),
        "{plan}"
    );
    assert!(
        plan.contains("\n就业 | 解决当地就业500人以上 | 500人 | 已达到\n"),
        "{plan}"
    );
    // output and jobs fall below the standard: the gaps are the goals
    edit(
        &p,
        "towns/chengdong.yaml",
        "{year: 2024, value: 1亿元}",
        "{year: 2024, value: 8600万元}",
    );
    edit(
        &p,
        "towns/chengdong.yaml",
        "local_jobs: 500",
        "local_jobs: 420",
    );
    build(&p, &["--town", "chengdong"]);
    let plan = text(&p, "2025/towns/chengdong/cultivation-plan.pdf").unwrap();
    assert!(plan.contains("产值距认定标准差1400万元"), "{plan}");
    assert!(plan.contains("就业距认定标准差80人"), "{plan}");
    assert!(plan.contains("本街道有2项条件尚未达到"), "{plan}");
    assert!(
        plan.contains("\n就业 | 解决当地就业500人以上 | 420人 | 差80人\n"),
        "{plan}"
    );
}

#[test]
fn the_yearly_report_computes_every_target_row_from_the_data() {
    let p = Project::sample();
    let err = build(&p, &["--kind", "annual-report", "--strict-layout"]);
    assert!(!err.contains("layout."), "{err}");
    let report = text(&p, "2025/city/annual-report.pdf").unwrap();
    // 上行文: the 文号 and the 签发人 on one line of the banner
    assert!(
        report.contains("永专领办发〔2026〕2号签发人：赵建国"),
        "{report}"
    );
    // GB/T 9704 §7.2.6: 文号 1 character in from the left, 签发人 1 character in from the right,
    // on one line
    let pdf = Pdf::open(&p.dir.path().join("output/2025/city/annual-report.pdf")).unwrap();
    let page = &pdf.pages[0];
    let line = page
        .lines()
        .into_iter()
        .find(|l| l.text.contains("签发人"))
        .unwrap();
    assert!(
        line.text.starts_with("永专领办发〔2026〕2号"),
        "{}",
        line.text
    );
    let first = page
        .glyphs
        .iter()
        .find(|g| g.text == "永" && (g.baseline - line.baseline).abs() < 1.0)
        .unwrap();
    let last = page
        .glyphs
        .iter()
        .filter(|g| (g.baseline - line.baseline).abs() < 1.0)
        .map(|g| g.x_max)
        .fold(0.0, f64::max);
    let mm = |pt: f64| pt / 72.0 * 25.4;
    assert!(
        (mm(first.x) - (28.0 + 5.57)).abs() < 0.6,
        "文号 at {} mm",
        mm(first.x)
    );
    assert!(
        (mm(last) - (210.0 - 26.0 - 5.57)).abs() < 0.6,
        "签发人 ends at {} mm",
        mm(last)
    );
    assert!(
        report.contains("运城市专业镇发展领导小组办公室："),
        "{report}"
    );
    for row in [
        "到2024年底打造1个市级专业镇 | 1个 | 2024年底1个（永济机电制造专业镇） | 已完成",
        "到2024年底打造3-5个县级专业镇 | 3-5个 | 2024年底1个（蒲州古城文旅专业镇） | 未完成",
        // the city-wide cluster (永济面食, January 2026) counts for the 十四五 target
        "到“十四五”末全市共有2个运城市级专业镇 | 2个 | 截至2026年1月20日2个（永济机电制造专业镇、永济面食专业镇） | 已完成",
        "县级专业镇实现镇域全覆盖 | 10个镇（街道）全覆盖 | 截至2026年1月20日2个镇（街道）有已认定的专业镇 | 未完成",
        "机电制造专业镇产值突破百亿元 | 100亿元 | 永济机电制造专业镇86.2亿元（2024年） | 未完成",
        "永济面食专业镇：其他运城市级专业镇产值在现有基础上翻一番 | 30亿元（2023年15亿元的2倍） | 24亿元（2025年） | 未完成",
    ] {
        assert!(report.contains(&format!("\n{row}\n")), "{row}:\n{report}");
    }
    assert!(
        report.contains("推动永济机电制造专业镇产值突破100亿元，距目标差13.8亿元。"),
        "{report}"
    );
    assert!(
        report.contains("对排名靠后或重点任务逾期的蒲州镇、开张镇、张营镇发出督办通知书，限期整改。开张镇已书面报告整改情况。对逾期未报告的蒲州镇发出催办通知。"),
        "{report}"
    );
    // 城东街道 meets every criterion, as its cultivation plan says
    assert!(
        report
            .contains("（三）培育。城东街道各项条件已达到认定标准，已制定培育方案，具备申报基础。"),
        "{report}"
    );
    // change the electromechanical town's output: the row changes with it
    edit(
        &p,
        "towns/chengxi.yaml",
        "{year: 2024, value: 86.2亿元}",
        "{year: 2024, value: 101.5亿元}",
    );
    build(&p, &["--kind", "annual-report"]);
    let report = text(&p, "2025/city/annual-report.pdf").unwrap();
    assert!(report.contains("\n机电制造专业镇产值突破百亿元 | 100亿元 | 永济机电制造专业镇101.5亿元（2024年） | 已完成\n"), "{report}");
    assert!(!report.contains("距目标差13.8亿元"), "{report}");
}

#[test]
fn a_lead_unit_among_the_supporting_units_warns_naming_the_task() {
    let p = Project::sample();
    edit(
        &p,
        "towns/kaizhang.yaml",
        "support: [开张镇人民政府, 市文旅局]",
        "support: [开张镇人民政府, 永济市市场监督管理局]",
    );
    let checked = check(&p);
    assert!(
        checked.contains("warning[task.lead-supporting]: 任务“老粗布商标注册与品牌推广”的牵头单位市市场监管局也列在配合单位中（永济市市场监督管理局）"),
        "{checked}"
    );
    assert!(
        checked.contains("content/towns/kaizhang.yaml:100"),
        "{checked}"
    );
}
