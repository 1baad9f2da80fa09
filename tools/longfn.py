#!/usr/bin/env python3
"""List Rust functions longer than N lines and files longer than 600 lines (brace counting)."""
import os, re, sys
root, limit = sys.argv[1], int(sys.argv[2])
fn_re = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)')
for dp, _, fs in os.walk(root):
    for f in sorted(fs):
        if not f.endswith('.rs'): continue
        p = os.path.join(dp, f); lines = open(p).read().split('\n')
        if len(lines) > 600: print(f'FILE {p} {len(lines)}')
        i = 0
        while i < len(lines):
            m = fn_re.match(lines[i])
            if m:
                depth = 0; started = False; j = i
                while j < len(lines):
                    code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j]).split('//')[0]
                    depth += code.count('{') - code.count('}')
                    if '{' in code: started = True
                    if started and depth <= 0: break
                    if not started and code.rstrip().endswith(';'): break
                    j += 1
                n = j - i + 1
                if n > limit and '/tests' not in p and not p.endswith('tests.rs'):
                    print(f'{p}:{i+1} {m.group(6)} {n}')
                i += 1
            else:
                i += 1
