"""Time the preview: how long after saving an edited case `ftzkb site serve` serves its new page.

    python -m ftzkb.bench.preview '[["CORPUS", "CASE-ID", "EDITS"]]'

starts the server on CORPUS, waits for its first build, then EDITS times: changes the case's
title, times until the case's page shows it, and waits until the whole site has followed (the
index of cases shows it) before the next edit. Prints a JSON list of {"seconds", "code"}: the
first build, then one latency per edit. The case file is put back as it was.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

LIMIT = 3600.0  # seconds to wait for anything before giving up (a whole build at national scale takes minutes)


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _shows(url: str, text: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=LIMIT) as response:
            return text.encode() in response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _until(url: str, text: str, step: float) -> float | None:
    """Seconds until `url` shows `text`, or None after LIMIT."""
    start = time.perf_counter()
    while time.perf_counter() - start < LIMIT:
        if _shows(url, text):
            return time.perf_counter() - start
        time.sleep(step)
    return None


def measure(corpus: Path, case_id: str, edits: int) -> list[dict]:
    path = corpus / "cases" / f"{case_id}.yaml"
    original = path.read_bytes()
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "ftzkb", "site", "serve", "--root", str(corpus), "--addr",
                               f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    timings = []
    try:
        first = _until(f"{base}/index.html", "<html", 0.5)
        timings.append({"seconds": first or LIMIT, "code": 0 if first is not None else 1})
        for number in range(edits):
            mark = f"（预览计时{number}）"
            text = re.sub(rb"^title: (.*)$", f"title: \\1{mark}".encode(), original, count=1, flags=re.M)
            path.write_bytes(text)
            seconds = _until(f"{base}/cases/{case_id}.html", mark, 0.02)
            timings.append({"seconds": seconds or LIMIT, "code": 0 if seconds is not None else 1})
            _until(f"{base}/cases/index.html", mark, 0.5)  # the whole site follows before the next edit
    finally:
        path.write_bytes(original)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    return timings


if __name__ == "__main__":
    [[corpus, case_id, edits]] = json.loads(sys.argv[1])
    print(json.dumps(measure(Path(corpus), case_id, int(edits))))
