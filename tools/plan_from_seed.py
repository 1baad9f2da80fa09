#!/usr/bin/env python3
"""Regenerates content/plan.yaml from the seed text, verbatim (run from the repository root):
    python3 tools/plan_from_seed.py SEED.txt > content/plan.yaml
"""
import json, re, sys

lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
q = lambda s: json.dumps(s, ensure_ascii=False)

def block(key, text, indent):
    pad = " " * indent
    return f"{pad}{key}: |-\n{pad}  {text}\n"

title, subtitle, preamble = lines[0], lines[1], lines[2]
sections, cur = {}, None
for l in lines[3:]:
    m = re.match(r"^([一二三四五])、(.+)$", l)
    if m:
        cur = m.group(1); sections[cur] = []
    else:
        sections[cur].append(l)

out = ["# 永济市促进专业镇高质量发展行动计划（2024-2025年）（征求意见稿），原文照录。",
       "# 由 tools/plan_from_seed.py 从 seed 文本生成；任务的牵头单位、负责单位取自原文括号。", ""]
out.append(f"title: {title}")
out.append(f"subtitle: {q(subtitle)}")
out.append(block("preamble", preamble, 0).rstrip("\n"))
out.append(block("guiding_ideology", sections["一"][0], 0).rstrip("\n"))
out.append("goals:")
for g in sections["二"]:
    out.append(f"  - |-\n    {g}")
out.append(block("standard_text", sections["三"][0], 0).rstrip("\n"))
out.append("headings:")
for l in sections["四"]:
    m = re.match(r"^（[一二三四]）(.+?)。$", l)
    if m:
        out.append(f"  - title: {m.group(1)}\n    tasks:")
        continue
    m = re.match(r"^(\d+)\.(.+?)。(.*)（([^（）]*?)牵头，(.*?)按职责分工负责）$", l)
    assert m, l
    num, t, text, lead, resp = m.groups()
    out.append(f"      - number: {num}\n        title: {t}")
    out.append(block("text", text, 8).rstrip("\n"))
    out.append("        lead:")
    out += [f"          - {q(u)}" for u in lead.split("、")]
    out.append("        responsible:")
    out += [f"          - {q(u)}" for u in resp.split("、")]
out.append("safeguards:")
for l in sections["五"]:
    m = re.match(r"^（[一二三四]）(.+?)。(.*)$", l)
    out.append(f"  - title: {m.group(1)}")
    out.append(block("text", m.group(2), 4).rstrip("\n"))
print("\n".join(out))
