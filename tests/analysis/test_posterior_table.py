#!/usr/bin/env python3
"""Tests of scripts/analysis/posterior_table.py on a calibration file the real tumen writes.

Usage (CTest runs it; see CMakeLists.txt):
    test_posterior_table.py --tumen PATH/TO/tumen --source REPO --work SCRATCH

The calibration is the small example of scenarios/tests/calibration (40 particles, 4
generations, a few seconds). The printed tables are checked against the file read with h5py;
the --set-line output must be accepted by `tumen validate`; bad input gives exit code 1 and a
message, never a traceback.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True

import h5py  # noqa: E402
import numpy as np  # noqa: E402

OPTIONS = None
CALIB = None  # the calibration file setUpModule writes


def script(*args):
    command = [sys.executable, os.path.join(OPTIONS.source, "scripts", "analysis",
                                            "posterior_table.py"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=OPTIONS.work)


def setUpModule():
    global CALIB
    shutil.rmtree(OPTIONS.work, ignore_errors=True)
    os.makedirs(OPTIONS.work)
    CALIB = os.path.join(OPTIONS.work, "calib.h5")
    calibration = os.path.join(OPTIONS.source, "scenarios", "tests", "calibration",
                               "calibration.toml")
    result = subprocess.run([OPTIONS.tumen, "calibrate", calibration, "-o", CALIB, "-t", "2",
                             "--quiet"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"tumen calibrate exited {result.returncode}: {result.stderr}")


def last_generation():
    with h5py.File(CALIB, "r") as f:
        names = [n.decode() for n in f["parameter"][:]]
        keys = sorted(k for k in f["generation"] if f["generation"][k].attrs.get("complete"))
        g = f["generation"][keys[-1]]
        return names, keys, g["particles"][:], g["weights"][:]


class PosteriorTableTest(unittest.TestCase):
    def test_tables_match_the_file(self):
        result = script(CALIB)
        self.assertEqual(result.returncode, 0, result.stderr)
        names, keys, particles, weights = last_generation()
        lines = result.stdout.splitlines()
        # One row per complete generation, numbered as in the file.
        start = lines.index(next(l for l in lines if l.startswith("generation")))
        rows = [l.split() for l in lines[start + 1:start + 1 + len(keys)]]
        self.assertEqual([int(r[0]) for r in rows], [int(k) for k in keys])
        self.assertFalse(lines[start + 1 + len(keys)].strip())  # and no more
        # Each parameter's median lies between the particles on either side of half the weight,
        # and inside its own 5-95% interval.
        for j, name in enumerate(names):
            row = next(l for l in lines if l.startswith(name + " "))
            # name, prior, prior 5-95%, median, posterior 5-95%, width ratio
            cells = re.split(r"\s{2,}", row.strip())
            self.assertEqual(len(cells), 6, row)
            median = float(cells[3])
            q5, q95 = (float(x) for x in cells[4].split(" - "))
            order = np.argsort(particles[:, j])
            values, cumulative = particles[order, j], np.cumsum(weights[order])
            k = int(np.searchsorted(cumulative, 0.5))
            low, high = values[max(k - 1, 0)], values[min(k + 1, len(values) - 1)]
            self.assertLessEqual(low * (1 - 5e-3), median, name)  # printed to 3 digits
            self.assertLessEqual(median, high * (1 + 5e-3), name)
            self.assertLessEqual(q5, median, name)
            self.assertLessEqual(median, q95, name)
        self.assertIn("Principal axes", result.stdout)

    def test_set_line_runs_the_scenario(self):
        result = script(CALIB, "--set-line")
        self.assertEqual(result.returncode, 0, result.stderr)
        names, _, _, _ = last_generation()
        arguments = result.stdout.split()
        self.assertEqual(arguments[0::2], ["--set"] * len(names))
        self.assertEqual([a.split("=")[0] for a in arguments[1::2]], names)
        scenario = os.path.join(OPTIONS.source, "scenarios", "tests", "calibration",
                                "two_place_years.toml")
        validate = subprocess.run([OPTIONS.tumen, "validate", scenario, *arguments],
                                  capture_output=True, text=True)
        self.assertEqual(validate.returncode, 0, validate.stderr)

    def test_bad_input_is_an_error_not_a_traceback(self):
        text_file = os.path.join(OPTIONS.work, "not.h5")
        with open(text_file, "w") as f:
            f.write("not HDF5\n")
        run_file = os.path.join(OPTIONS.work, "run.h5")
        with h5py.File(run_file, "w") as f:
            f.attrs["format"] = "tumen"
        for path in (text_file, run_file, os.path.join(OPTIONS.work, "missing.h5")):
            result = script(path)
            self.assertEqual(result.returncode, 1, path)
            self.assertIn("error", result.stderr)
            self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(script().returncode, 1)  # usage


def main():
    global OPTIONS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tumen", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--work", required=True)
    OPTIONS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
