"""Run a test step many times in a row and count hangs, failures and the slowest run.

    python benchmarks/stress.py --runs 20 --what unit     # the unit step of `make test`
    python benchmarks/stress.py --runs 5 --what test      # all of `make test`

A run that exceeds ``--hang-after`` seconds is killed (with its whole process group) and counted as a
hang; a run that exits non-zero is a failure.  The bar (issue 7): 0 hangs in 20 unit runs and in 5 full
`make test` runs.  Prints one line per run and a summary.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {"unit": ["make", "-s", "unit"], "test": ["make", "-s", "test"], "nbval": ["make", "-s", "nbval"]}
DEFAULT_HANG = {"unit": 600, "test": 1800, "nbval": 900}


def run_once(cmd: list[str], hang_after: float) -> tuple[str, float, str]:
    """('ok' | 'failed' | 'hang', seconds, tail of the output)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=hang_after)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return "hang", time.perf_counter() - t0, out[-2000:]
    status = "ok" if proc.returncode == 0 else "failed"
    return status, time.perf_counter() - t0, out[-2000:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/stress.py", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--what", choices=sorted(COMMANDS), default="unit")
    parser.add_argument("--hang-after", type=float, help="seconds before a run counts as a hang")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be >= 1, got {args.runs}")
    hang_after = args.hang_after or DEFAULT_HANG[args.what]
    cmd = COMMANDS[args.what]
    counts = {"ok": 0, "failed": 0, "hang": 0}
    times = []
    print(f"{' '.join(cmd)}: {args.runs} runs, a run over {hang_after:.0f} s counts as a hang", flush=True)
    for i in range(args.runs):
        status, seconds, tail = run_once(cmd, hang_after)
        counts[status] += 1
        times.append(seconds)
        print(f"run {i + 1:3d}: {status:6s} {seconds:7.1f} s", flush=True)
        if status != "ok":
            print("    " + "\n    ".join(tail.strip().splitlines()[-15:]), flush=True)
    print(
        f"runs {args.runs}, ok {counts['ok']}, hangs {counts['hang']}, failures {counts['failed']}, "
        f"slowest {max(times):.1f} s, median {sorted(times)[len(times) // 2]:.1f} s"
    )
    return 0 if counts["ok"] == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
