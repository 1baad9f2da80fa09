#!/usr/bin/env python3
"""Benchmark: how long after a save `zyz watch` puts the edited town's application PDF on disk.

    python3 benches/watch-latency.py [ZYZ_BIN] [EDITS]

Copies the sample project (content/, templates/, fonts/) into a temporary folder, starts
`zyz watch -j 2` there (release binary by default), waits for its first build, then EDITS times
(default 10) saves towns/qingtou.yaml with one value changed and measures from the moment the
save returns to the moment the new application PDF is renamed into place (its inode changes;
polled every 0.5 ms). Prints each latency, the median and the worst.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/zyz")
EDITS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
TOWN = "content/towns/qingtou.yaml"
PDF = "output/2025/towns/qingtou/application.pdf"


def inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def wait_for_new(path, old, limit=20.0):
    """Seconds until `path` has another inode than `old` (None after `limit`)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if inode(path) not in (None, old):
            return time.perf_counter()
        time.sleep(0.0005)
    return None


def main():
    work = tempfile.mkdtemp(prefix="zyz-watch-")
    for d in ("content", "templates", "fonts"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(work, d))
    os.chdir(work)
    watch = subprocess.Popen([BIN, "watch", "-j", "2", "-q"], stderr=subprocess.DEVNULL)
    try:
        if wait_for_new(PDF, None, limit=120.0) is None:
            sys.exit("the first build did not make " + PDF)
        time.sleep(1.5)  # the first build's remaining documents
        text = open(TOWN, encoding="utf-8").read()
        marker = "local_jobs: "
        at = text.index(marker) + len(marker)
        end = text.index("\n", at)
        jobs = int(text[at:end].split()[0])
        latencies = []
        for i in range(EDITS):
            old = inode(PDF)
            edited = text[:at] + str(jobs + 1 + i) + text[end:]
            with open(TOWN, "w", encoding="utf-8") as f:
                f.write(edited)
            saved = time.perf_counter()
            done = wait_for_new(PDF, old)
            if done is None:
                sys.exit(f"edit {i + 1}: no new {PDF} within 20 s")
            latencies.append(done - saved)
            print(f"edit {i + 1}: {1000 * (done - saved):.0f} ms")
            time.sleep(1.0)  # let the rest of the rebuild finish before the next save
        print(
            f"median {1000 * statistics.median(latencies):.0f} ms, "
            f"worst {1000 * max(latencies):.0f} ms over {EDITS} saves"
        )
    finally:
        watch.terminate()
        watch.wait()
        os.chdir(ROOT)
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
