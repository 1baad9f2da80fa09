//! Plan stage, titles: explicit line breaks for long 2号 titles, computed here so that the
//! template only arranges them.

use std::collections::BTreeSet;

/// Display width of a title in half-width units (a CJK character counts 2).
fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Explicit line breaks for a 2号 title: at most 20 characters (40 half-width units) per line,
/// broken only where a title may break — before `关于`, after `关于印发`/`关于转发`, before `（`, after
/// `）`, before `的通知`/`的通报`/`的督办通知书`/`的公示`/`的报告`/`的催办通知`, before the `为` of
/// `……专业镇为……`, before a year (`2025年`) and before the phrases `专业镇建设`, `拟认定`, `整改不力` —
/// with the fewest lines, then the fewest lines ending in `关于对` (a preposition cut from its
/// object: GB/T 9704 §7.3.3 asks for lines whose words stay whole; only where no other break
/// fits) or holding only the closing `的通报` (a line too short to balance the others), then the
/// most even ones.
/// A part longer than a line is left to the typesetter.
pub fn title_lines(title: &str) -> Vec<String> {
    const MAX: usize = 40;
    let mut cuts: BTreeSet<usize> = BTreeSet::new();
    for (i, _) in title.char_indices() {
        let rest = &title[i..];
        if rest.starts_with("关于") && i > 0 {
            cuts.insert(i);
        }
        for lead in ["关于印发", "关于转发"] {
            if rest.starts_with(lead) {
                cuts.insert(i + lead.len());
            }
        }
        if rest.starts_with("关于对") {
            cuts.insert(i + "关于对".len());
        }
        if rest.starts_with("予以") && i > 0 {
            cuts.insert(i);
        }
        // not inside 镇（街道）
        if rest.starts_with('（') && !rest.starts_with("（街道）") && i > 0 {
            cuts.insert(i);
        }
        if rest.starts_with('）')
            && !title[..i].ends_with("（街道")
            && i + '）'.len_utf8() < title.len()
        {
            cuts.insert(i + '）'.len_utf8());
        }
        if (rest.starts_with("的通知")
            || rest.starts_with("的通报")
            || rest.starts_with("的督办通知书")
            || rest.starts_with("的公示")
            || rest.starts_with("的报告")
            || rest.starts_with("的催办通知"))
            && i > 0
        {
            cuts.insert(i);
        }
        // 关于认定……专业镇|为永济市县级专业镇的通知
        if rest.starts_with('为') && title[..i].ends_with("专业镇") {
            cuts.insert(i);
        }
        // where a phrase starts: 关于蒲州镇|专业镇建设…, 关于永济市|2025年度…,
        // …县级专业镇|拟认定名单, …督办事项|整改不力情况
        let year = rest.len() > 6 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        let phrase = ["专业镇建设", "拟认定", "整改不力"]
            .iter()
            .any(|p| rest.starts_with(p));
        let year = year && rest[4..].starts_with('年') && !title[..i].ends_with("关于");
        if i > 0 && (phrase || year) {
            cuts.insert(i);
        }
    }
    let cuts: Vec<usize> = cuts
        .into_iter()
        .filter(|&c| c > 0 && c < title.len())
        .collect();
    if width(title) <= MAX || cuts.len() > 12 {
        return vec![title.to_owned()];
    }
    let mut best: Option<((usize, usize, usize), Vec<String>)> = None;
    for mask in 0u32..(1 << cuts.len()) {
        let mut lines = Vec::new();
        let mut from = 0;
        for (k, &c) in cuts.iter().enumerate() {
            if mask & (1 << k) != 0 {
                lines.push(title[from..c].to_owned());
                from = c;
            }
        }
        lines.push(title[from..].to_owned());
        if lines.iter().any(|l| width(l) > MAX) {
            continue;
        }
        let widest = lines.iter().map(|l| width(l)).max().unwrap_or(0);
        // a preposition cut from its object, or a last line of only 的通报 and the like
        let dangling = lines.iter().filter(|l| l.ends_with("关于对")).count()
            + usize::from(lines.len() > 1 && lines.last().is_some_and(|l| l.chars().count() <= 3));
        let key = (lines.len(), dangling, widest);
        if best.as_ref().is_none_or(|b| key < b.0) {
            best = Some((key, lines));
        }
    }
    best.map(|b| b.1).unwrap_or_else(|| vec![title.to_owned()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_break_at_phrase_boundaries() {
        assert_eq!(
            title_lines(
                "永济市人民政府办公室关于印发永济市促进专业镇高质量发展行动计划（2024-2025年）的通知"
            ),
            [
                "永济市人民政府办公室关于印发",
                "永济市促进专业镇高质量发展行动计划",
                "（2024-2025年）的通知"
            ]
        );
        assert_eq!(
            title_lines(
                "永济市专业镇发展领导小组办公室关于对2025年度专业镇建设成效突出的镇（街道）予以表扬的通报"
            ),
            [
                "永济市专业镇发展领导小组办公室关于对",
                "2025年度专业镇建设成效突出的镇（街道）",
                "予以表扬的通报"
            ]
        );
        // before 关于 rather than after 关于对, where both make two lines
        assert_eq!(
            title_lines("永济市专业镇发展领导小组办公室关于对蒲州镇专业镇建设工作的督办通知书"),
            [
                "永济市专业镇发展领导小组办公室",
                "关于对蒲州镇专业镇建设工作的督办通知书"
            ]
        );
        // short titles and titles without break points are left to the typesetter
        assert_eq!(
            title_lines("开张冬枣专业镇2025年度行动计划"),
            ["开张冬枣专业镇2025年度行动计划"]
        );
        // three lines rather than a last line of only 的通报; two where a phrase boundary fits
        assert_eq!(
            title_lines(
                "永济市专业镇发展领导小组办公室关于城东街道专业镇建设督办事项整改不力情况的通报"
            ),
            [
                "永济市专业镇发展领导小组办公室",
                "关于城东街道专业镇建设督办事项",
                "整改不力情况的通报"
            ]
        );
        assert_eq!(
            title_lines(
                "永济市专业镇发展领导小组办公室关于蒲州镇专业镇建设督办事项整改不力情况的通报"
            ),
            [
                "永济市专业镇发展领导小组办公室关于蒲州镇",
                "专业镇建设督办事项整改不力情况的通报"
            ]
        );
        assert_eq!(
            title_lines("永济市专业镇发展领导小组办公室关于永济市2025年度专业镇建设工作情况的报告"),
            [
                "永济市专业镇发展领导小组办公室关于永济市",
                "2025年度专业镇建设工作情况的报告"
            ]
        );
        assert_eq!(
            title_lines(
                "永济市专业镇发展领导小组办公室关于2025年度永济市县级专业镇拟认定名单的公示"
            ),
            [
                "永济市专业镇发展领导小组办公室",
                "关于2025年度永济市县级专业镇",
                "拟认定名单的公示"
            ]
        );
        let long = "甲".repeat(45);
        assert_eq!(title_lines(&long), std::slice::from_ref(&long));
    }
}
