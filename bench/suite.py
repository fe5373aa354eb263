"""Wall time of the default test suite against the suite of a baseline commit, side by side.

The baseline (by default 03246d5, the last commit before the suite was made fast and tiered)
is checked out into a temporary git worktree with its own virtual environment, set up by its
own ``run.py``; the current checkout is run by ours. Each suite runs ``--repeat`` times,
alternating, so that a noisy neighbour slows both alike; the script prints each run's
pytest-reported time, the medians, and the ratio baseline/current (target: at least 2x).
The current suite also runs in one process (``-n 0``), to show what the workers add. The
slowest tests of the last current run follow (``--durations``).

    python bench/suite.py
    python bench/suite.py --baseline 959df5e --repeat 1
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"(\d+) passed.* in ([0-9.]+)s")


def run_suite(checkout: Path, extra: list[str]) -> tuple[int, float, str]:
    """Run one checkout's README test command; return (tests passed, seconds, output)."""
    cmd = [sys.executable, "run.py", "test", "-q", "-p", "no:cacheprovider", *extra]
    result = subprocess.run(cmd, cwd=checkout, capture_output=True, text=True, timeout=3600)
    lines = [line for line in result.stdout.splitlines() if SUMMARY.search(line)]
    if result.returncode != 0 or not lines:
        sys.exit(
            f"suite in {checkout} failed (exit {result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
        )
    match = SUMMARY.search(lines[-1])
    assert match is not None
    return int(match.group(1)), float(match.group(2)), result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="03246d5", help="commit whose suite is the baseline")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each suite (default 2)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lmsgraph-suite-"))
    base = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(base), args.baseline], cwd=ROOT, check=True)
    try:
        # Set up both checkouts (virtual environments, the W3C suite) before anything is timed.
        print(f"setting up the baseline {args.baseline} and the current checkout ...", flush=True)
        run_suite(base, ["-x", "-k", "test_catalogue"])
        run_suite(ROOT, ["-x", "-k", "test_catalogue"])
        times: dict[str, list[float]] = {"baseline": [], "current": [], "one process": []}
        counts: dict[str, int] = {}
        output = ""
        for i in range(args.repeat):
            for name, checkout, extra in (
                ("baseline", base, []),
                ("current", ROOT, ["--durations=15"]),
                ("one process", ROOT, ["-n", "0"]),
            ):
                passed, seconds, out = run_suite(checkout, extra)
                counts[name] = passed
                times[name].append(seconds)
                output = out if name == "current" else output
                print(f"run {i + 1}: {name:<11} {passed:5d} passed in {seconds:7.1f} s", flush=True)
        b, c = statistics.median(times["baseline"]), statistics.median(times["current"])
        one = statistics.median(times["one process"])
        print()
        print(f"baseline ({args.baseline}):    {counts['baseline']} tests, median {b:.1f} s")
        print(f"current:               {counts['current']} tests, median {c:.1f} s")
        print(f"current, one process:  {counts['one process']} tests, median {one:.1f} s")
        print(f"ratio baseline/current: {b / c:.2f}x (target: at least 2x); baseline/one process: {b / one:.2f}x")
        print()
        durations = output.split("slowest 15 durations", 1)
        if len(durations) == 2:
            print("slowest 15 durations" + durations[1].split("\n=", 1)[0])
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
