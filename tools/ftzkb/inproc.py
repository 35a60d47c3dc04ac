"""Time several `ftzkb` invocations inside one process (warm: imports and caches already loaded).

    python -m ftzkb.inproc '[["search", "多式联运", "--root", "DIR"], ...]'

prints a JSON list of {"seconds", "code"}, one per invocation, in order.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time

from ftzkb.cli import main


def time_invocations(invocations: list[list[str]]) -> list[dict]:
    timings = []
    for args in invocations:
        start = time.perf_counter()
        code = 0
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                main.main(args=args, standalone_mode=False)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except Exception:  # a failing command is reported by its code, not a traceback
                code = 1
        timings.append({"seconds": time.perf_counter() - start, "code": code})
    return timings


if __name__ == "__main__":
    print(json.dumps(time_invocations(json.loads(sys.argv[1]))))
