#!/usr/bin/env python3
"""Runs `tumen bench --quick --json` (or tumen_bench) and checks the JSON: every key that
docs/performance.md promises is there with a finite positive value. No timing is checked: a
timed test flakes on a shared machine.

usage: check_bench_json.py BENCH_BINARY [ARGS...]
"""
import json
import math
import subprocess
import sys

REQUIRED = [
    "kernel.agent_steps_per_s",
    "kernel.bandwidth_fraction",
    "korea.seconds_per_replicate",
    "population.seconds",
    "population.peak_rss_bytes",
    "scaling.replicate_efficiency",
    "scaling.agent_efficiency",
    "output.write_share",
]
ROWS = ["kernel", "korea", "population", "scaling", "output"]


def main():
    command = sys.argv[1:] + ["--quick", "--json"]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=600)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr}")
    report = json.loads(done.stdout)
    problems = []

    def positive(where, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{where}: expected a number, found {value!r}")
        elif not math.isfinite(value) or value <= 0:
            problems.append(f"{where}: expected a finite positive number, found {value!r}")

    positive("threads", report.get("threads"))
    if not isinstance(report.get("cpu"), str) or not report["cpu"]:
        problems.append(f"cpu: expected the CPU model, found {report.get('cpu')!r}")
    for row in ROWS:
        if not isinstance(report.get(row), dict):
            problems.append(f"{row}: missing row")
            continue
        for key, value in report[row].items():
            # Every measure has its median, _min and _max; all are finite, none negative.
            if value is None or not math.isfinite(value) or value < 0:
                problems.append(f"{row}.{key}: expected a finite number >= 0, found {value!r}")
    for dotted in REQUIRED:
        row, key = dotted.split(".")
        values = report.get(row, {})
        for suffix in ("", "_min", "_max"):
            if key + suffix not in values:
                problems.append(f"{dotted}{suffix}: missing")
            else:
                positive(dotted + suffix, values[key + suffix])
    if problems:
        sys.exit("tumen bench --quick --json:\n  " + "\n  ".join(problems) + "\n" + done.stdout)
    print(f"tumen bench --quick --json: {len(REQUIRED)} required keys present and positive "
          f"({report['cpu']}, {report['threads']} threads)")


if __name__ == "__main__":
    main()
