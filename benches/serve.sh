#!/usr/bin/env bash
# zyz serve's costs (issue 22), figures for docs/benchmarks.md:
#
#   1. latency: save → the changed page redrawn in a real headless Chromium, end to end (the
#      write's timestamp → the new SVG loaded in the open document page), SAVES saves of
#      张营镇's local_jobs, median and spread (tests/serve_browser.py over the DevTools protocol);
#   2. idle: the server's CPU time over IDLE seconds with the document page open (0 expected);
#   3. RSS: the server's resident memory after each of RSS_SAVES saves (a town file rewritten,
#      its documents rebuilt, the live page told) — first, last, and the trend;
#   4. the overview of N generated towns (benches/gen-towns.py; only one town's documents built,
#      every town shown): the time to answer `/`, median of 10 requests after the first.
#
# usage: benches/serve.sh [SAVES=20] [RSS_SAVES=200] [N=1000] [IDLE=30]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SAVES="${1:-20}"; RSS_SAVES="${2:-200}"; N="${3:-1000}"; IDLE="${4:-30}"
BIN="${ZYZ_BIN:-$ROOT/target/release/zyz}"
WORK="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

start_serve() { # DIR LOG [ARGS...]: starts zyz serve in DIR, prints its pid and port
  local dir="$1" log="$2"; shift 2
  (cd "$dir" && exec "$BIN" serve --port 0 --fonts "$ROOT/fonts" "$@" 2>"$log") &
  local pid=$!
  for _ in $(seq 1 3000); do
    grep -q "^watching " "$log" 2>/dev/null && break
    sleep 0.2
  done
  local port
  port="$(grep -o 'serving http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$')"
  echo "$pid $port"
}

echo "== sample: $SAVES saves in Chromium"
mkdir -p "$WORK/s"
cp -r "$ROOT/content" "$ROOT/templates" "$WORK/s/"
[ -f "$ROOT/output/manifest.json" ] && cp -r "$ROOT/output" "$WORK/s/"
read -r PID PORT < <(start_serve "$WORK/s" "$WORK/s.log")
python3 "$ROOT/tests/serve_browser.py" "http://127.0.0.1:$PORT" 2025/towns/zhangying/application.pdf \
  "$WORK/s/content/towns/zhangying.yaml" "$WORK/shots" "$SAVES" > "$WORK/latency.json"
python3 - "$WORK/latency.json" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))
l = sorted(r["latencies_ms"])
print(f"save -> SVG in the page: median {statistics.median(l):.0f} ms, min {l[0]:.0f}, max {l[-1]:.0f} ms over {len(l)} saves; reloads: {0 if r['loaded_before'] == r['loaded_after'] else 1}")
EOF

echo "== idle: $IDLE s with a live page open"
python3 - "$PORT" "$IDLE" "$PID" <<'EOF' &
import http.client, sys, time
port, idle = int(sys.argv[1]), int(sys.argv[2])
c = http.client.HTTPConnection("127.0.0.1", port)
c.request("GET", "/events?doc=2025/towns/zhangying/application.pdf", headers={"Host": f"127.0.0.1:{port}"})
r = c.getresponse()
time.sleep(idle + 5)
EOF
sleep 2
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
HZ="$(getconf CLK_TCK)"
T0="$(ticks)"; sleep "$IDLE"; T1="$(ticks)"
echo "idle CPU: $(( T1 - T0 )) ticks of 1/$HZ s in $IDLE s ($(python3 -c "print(f'{($T1-$T0)/$HZ/$IDLE*100:.2f}')") %)"

echo "== RSS over $RSS_SAVES saves"
python3 - "$WORK/s/content/towns/zhangying.yaml" "$RSS_SAVES" "$PID" "$WORK/s.log" <<'EOF'
import re, sys, time
path, saves, pid, log = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
def builds():
    return open(log, encoding="utf-8").read().count(" up to date, ")
text = open(path, encoding="utf-8").read()
series = []
for i in range(saves):
    before = builds()
    text = re.sub(r"^local_jobs: \d+$", f"local_jobs: {600 + i % 50}", text, flags=re.M)
    open(path, "w", encoding="utf-8").write(text)
    t = time.time()
    while builds() == before and time.time() - t < 120:
        time.sleep(0.02)
    series.append(rss())
n = len(series)
first, last = series[: n // 4], series[-(n // 4):]
avg = lambda xs: sum(xs) / len(xs)
# the trend: the least-squares slope of RSS over the saves of the second half (the first builds
# fill Typst's cache and the allocator's pools)
half = list(enumerate(series))[n // 2:]
mx = avg([i for i, _ in half]); my = avg([r for _, r in half])
slope = sum((i - mx) * (r - my) for i, r in half) / sum((i - mx) ** 2 for i, _ in half)
buckets = [round(avg(series[i:i + 50])) for i in range(0, n, 50)]
print(f"RSS, mean of each 50 saves: {buckets} MB")
print(f"RSS after save 1: {series[0]} MB; after save {n}: {series[-1]} MB; max {max(series)} MB; "
      f"mean of the first quarter {avg(first):.0f} MB, of the last quarter {avg(last):.0f} MB; "
      f"trend over the second half {slope * 100:+.1f} MB per 100 saves")
EOF
kill "$PID"; wait "$PID" 2>/dev/null || true

echo "== overview of $N generated towns"
python3 "$ROOT/benches/gen-towns.py" "$N" "$WORK/g/content" >/dev/null
cp -r "$ROOT/templates" "$WORK/g/"
read -r PID PORT < <(start_serve "$WORK/g" "$WORK/g.log" --town t0001)
python3 - "$PORT" "$N" <<'EOF'
import http.client, statistics, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
def get(path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t = time.perf_counter()
    c.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
    body = c.getresponse().read()
    return (time.perf_counter() - t) * 1000, body
first, body = get("/")
rows = body.count(b'class="town"')
times = [get("/")[0] for _ in range(10)]
print(f"overview of {rows} towns ({len(body) // 1024} KB): first {first:.0f} ms, then median {statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f})")
EOF
kill "$PID"; wait "$PID" 2>/dev/null || true
