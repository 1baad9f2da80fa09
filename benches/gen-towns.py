#!/usr/bin/env python3
"""Generate N synthetic but valid town files for benchmarks.

    python3 benches/gen-towns.py N OUT_DIR [--content content]

Makes OUT_DIR as a content folder: city.yaml, plan.yaml, standards/ and (when present)
assessment.yaml / fonts.yaml / proofread.yaml copied from the sample content folder, and towns/t0001.yaml …
towns/tNNNN.yaml, each a copy of one of the sample towns (round robin) with

- a unique id (t0001 …) and a unique name (测0001镇 / 测0001街道); every mention of the sample
  town's own name (e.g. its 办事处 as a supporting unit) is renamed with it, so references stay
  resolvable;
- fresh 统一社会信用代码 for every enterprise: 91 + 140881 + an 8-character organisation code
  body with its GB 11714 check character + the GB 32100-2015 check character, so no enterprise
  is shared between towns;
- ledger (problem) ids renumbered city-wide (YYYY-Qn-NNN keeps the year and quarter of `found`,
  the serial is the next free one of that quarter; a problem is dropped only when a quarter runs
  out of its 999 serials);
- the sample's task lead / support units unchanged: they are department short names that exist
  in city.yaml;
- local_jobs raised to the town's designation standard minimum (standards/*.yaml
  employment.min_local_jobs) where a sample falls short (the sample 张营镇 deliberately fails the
  county standard with 460 jobs), so generated towns pass the check without errors.

Python 3 standard library only. Prints one summary line.
"""
import argparse
import os
import re
import shutil
import sys

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 (no I, O, Z, S, V)
W18 = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
W9 = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714 organisation code weights


def org_check(body8):
    """GB 11714 check character of an 8-character organisation code body (digits here)."""
    s = sum(int(c, 36) * w for c, w in zip(body8, W9))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def credit_code(town_no, k):
    body8 = f"{town_no:05d}{k:03d}"
    first17 = "91" + "140881" + body8 + org_check(body8)
    s = sum(ALPHABET.index(c) * w for c, w in zip(first17, W18))
    return first17 + ALPHABET[(31 - s % 31) % 31]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--content", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "content"))
    a = ap.parse_args()

    src = os.path.abspath(a.content)
    out = os.path.abspath(a.out)
    towns_out = os.path.join(out, "towns")
    if os.path.exists(towns_out):
        shutil.rmtree(towns_out)
    os.makedirs(towns_out)
    for name in ("city.yaml", "plan.yaml", "assessment.yaml", "fonts.yaml", "proofread.yaml"):
        p = os.path.join(src, name)
        if os.path.isfile(p):
            shutil.copy(p, out)
    # the sample's city-wide clusters and the yearly report's targets name the sample's towns,
    # which generated content does not have
    city = os.path.join(out, "city.yaml")
    if os.path.isfile(city):
        text = open(city, encoding="utf-8").read()
        for key in ("clusters", "annual_report"):
            text = re.sub(r"(?m)^%s:\n(?:[ #].*\n|\n)*" % key, "", text)
        open(city, "w", encoding="utf-8").write(text)
    if os.path.isdir(os.path.join(src, "standards")):
        shutil.copytree(os.path.join(src, "standards"), os.path.join(out, "standards"), dirs_exist_ok=True)

    min_jobs = {}  # designation level -> employment.min_local_jobs
    std_dir = os.path.join(src, "standards")
    for f in sorted(os.listdir(std_dir)) if os.path.isdir(std_dir) else []:
        text = open(os.path.join(std_dir, f), encoding="utf-8").read()
        lv = re.search(r"(?m)^level: *(\S+)", text)
        mj = re.search(r"(?m)^ +min_local_jobs: *(\d+)", text)
        if lv and mj:
            min_jobs[lv.group(1)] = int(mj.group(1))

    town_dir = os.path.join(src, "towns")
    samples = sorted(f for f in os.listdir(town_dir) if f.endswith(".yaml"))
    texts = [open(os.path.join(town_dir, f), encoding="utf-8").read() for f in samples]
    width = max(4, len(str(a.n)))
    serials = {}  # (year, quarter) -> last serial used
    dropped = 0
    problems = 0

    for i in range(1, a.n + 1):
        t = texts[(i - 1) % len(texts)]
        tid = f"t{i:0{width}d}"
        t = re.sub(r"(?m)^id: .*$", f"id: {tid}", t, count=1)
        old = re.search(r"(?m)^name: (.*)$", t).group(1).strip()
        suffix = "街道" if old.endswith("街道") else "镇"
        new = f"测{i:0{width}d}{suffix}"
        t = t.replace(old, new)

        lv = re.search(r"(?m)^designation:\n  level: *(\S+)", t)
        need = min_jobs.get(lv.group(1), 0) if lv else 0
        t = re.sub(r"(?m)^local_jobs: *(\d+)", lambda m: f"local_jobs: {max(int(m.group(1)), need)}", t, count=1)

        k = iter(range(1000))
        t = re.sub(r"credit_code: \w{18}", lambda m: "credit_code: " + credit_code(i, next(k)), t)

        # Renumber ledger ids city-wide; each problem block starts with "  - id: YYYY-Qn-NNN".
        m = re.search(r"(?ms)^problems:.*\Z", t)
        if m:
            head, block = t[: m.start()], t[m.start():]
            parts = re.split(r"(?m)^(?=  - id: )", block)
            kept = [parts[0]]
            for p in parts[1:]:
                pm = re.match(r"  - id: (\d{4})-Q([1-4])-\d{3}", p)
                if not pm:
                    kept.append(p)
                    continue
                key = (pm.group(1), pm.group(2))
                serial = serials.get(key, 0) + 1
                if serial > 999:
                    dropped += 1
                    continue
                serials[key] = serial
                problems += 1
                kept.append(re.sub(r"^  - id: \S+", f"  - id: {key[0]}-Q{key[1]}-{serial:03d}", p, count=1))
            if len(kept) == 1 and parts[0].rstrip().endswith("problems:"):
                kept = [re.sub(r"problems:.*", "problems: []", parts[0], count=1, flags=re.S) + "\n"]
            t = head + "".join(kept)

        # a written report answers the sample town's notice and names its ledger ids, which the
        # generated town renumbers: generated towns have sent none
        t = re.sub(r"(?m)^supervision_reports:.*\n(?:[ #].*\n|\n)*", "", t)
        with open(os.path.join(towns_out, tid + ".yaml"), "w", encoding="utf-8") as f:
            f.write(t)

    print(f"gen-towns: {a.n} towns in {towns_out} ({problems} ledger problems, {dropped} dropped)")


if __name__ == "__main__":
    sys.exit(main())
