#!/usr/bin/env python3
"""Tests of scripts/analysis/report.py on files made by the real `tumen calibrate` and
`tumen predict`, on the small calibration of scenarios/tests/calibration.

Usage (CTest runs it; see CMakeLists.txt):
    test_report.py --tumen PATH/TO/tumen --source REPO --work SCRATCH [unittest arguments]

A missing numpy, h5py, matplotlib or PIL is a failure, never a skip.
"""
import argparse
import csv
import math
import os
import shutil
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True

try:
    import h5py
    import matplotlib  # noqa: F401  (report.py needs it; a missing one must fail here)
    import numpy as np
    from PIL import Image
except ImportError as missing:
    print(f"error: {missing} in {sys.executable}: the report tests need python3-numpy, "
          "python3-h5py, python3-matplotlib and python3-pil", file=sys.stderr)
    sys.exit(1)

OPTIONS = None
FIGURES = ("arrivals", "posterior", "hidden-stocks", "breakdown-2006")


def tumen(*args):
    result = subprocess.run([OPTIONS.tumen, *args], capture_output=True, text=True,
                            cwd=OPTIONS.work)
    if result.returncode != 0:
        raise RuntimeError(f"tumen {' '.join(args)} exited {result.returncode}: {result.stderr}")


def report(*args):
    command = [sys.executable, os.path.join(OPTIONS.source, "scripts", "analysis", "report.py"),
               *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=OPTIONS.work)


def setUpModule():
    shutil.rmtree(OPTIONS.work, ignore_errors=True)
    shutil.copytree(os.path.join(OPTIONS.source, "scenarios", "tests", "calibration"),
                    OPTIONS.work)
    # The example calibration cut to 20 particles and 2 generations: cheap in every build.
    with open(os.path.join(OPTIONS.work, "calibration.toml")) as f:
        text = f.read()
    text = text.replace("particles = 40", "particles = 20")
    text = text.replace("max_generations = 4", "max_generations = 2")
    with open(os.path.join(OPTIONS.work, "small.toml"), "w") as f:
        f.write(text)
    tumen("calibrate", "small.toml", "-o", "calib.h5", "-q", "-t", "2")
    tumen("predict", "calib.h5", "-o", "predict.h5", "-r", "60", "-q", "-t", "2")
    tumen("predict", "calib.h5", "-o", "other-seed.h5", "-r", "20", "-q", "--seed", "3")


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = report("calib.h5", "predict.h5", "-o", "figures")

    def test_writes_every_figure(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        for name in FIGURES:
            png = os.path.join(OPTIONS.work, "figures", name + ".png")
            with Image.open(png) as image:
                image.verify()
                self.assertEqual(image.format, "PNG")
                self.assertGreater(image.size[0], 300)
            with open(os.path.join(OPTIONS.work, "figures", name + ".svg")) as svg:
                self.assertIn("<svg", svg.read(2000))
            self.assertIn(f"wrote figures/{name}.png", self.result.stdout)

    def test_table_holds_the_files_quantiles(self):
        """The CSV is /predictive's row of the year, to the last bit; the markdown rounds it."""
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        with h5py.File(os.path.join(OPTIONS.work, "predict.h5")) as f:
            years = list(f["predictive/year"][:])
            row = years.index(2006)  # the run's last year: it does not cover 2024
            expected = {name: f["predictive"][name][row] for name in f["predictive"]
                        if f["predictive"][name].ndim == 2}
            arrivals = f["arrivals"][:, row].sum(axis=(1, 2)).astype(float)
        with open(os.path.join(OPTIONS.work, "figures", "breakdown-2006.csv")) as table:
            rows = list(csv.DictReader(table))
        self.assertEqual(len(rows), 13)
        for r in rows:
            q = expected[r["quantity"]]
            self.assertEqual([float(r[k]) for k in ("p5", "p25", "median", "p75", "p95")],
                             list(q), r["quantity"])
        # And the file's quantiles are numpy's, over its own replicates.
        by_name = {r["quantity"]: r for r in rows}
        self.assertEqual(float(by_name["arrivals_observed_destinations"]["median"]),
                         float(np.quantile(arrivals, 0.5)))
        with open(os.path.join(OPTIONS.work, "figures", "breakdown-2006.md")) as md:
            text = md.read()
        median = float(by_name["border_crossings"]["median"])
        self.assertIn(f"| border crossings | {median:,.0f} |", text)
        self.assertIn("Observed arrivals at Safe in 2006: 735.", text)

    def test_year_option(self):
        result = report("calib.h5", "predict.h5", "-o", "figures-2003", "--year", "2003")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(os.path.exists(os.path.join(OPTIONS.work, "figures-2003",
                                                    "breakdown-2003.csv")))


class ReportErrorTest(unittest.TestCase):
    def expect_error(self, args, message):
        result = report(*args)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(message, result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_missing_file(self):
        self.expect_error(["gone.h5", "predict.h5", "-o", "x"], "gone.h5: no such file")

    def test_not_hdf5(self):
        self.expect_error(["observed.csv", "predict.h5", "-o", "x"], "not an HDF5 file")

    def test_files_swapped(self):
        self.expect_error(["predict.h5", "calib.h5", "-o", "x"], "not a tumen calibration file")

    def test_not_a_predict_file(self):
        self.expect_error(["calib.h5", "calib.h5", "-o", "x"], "not a tumen predict file")

    def test_year_not_covered(self):
        self.expect_error(["calib.h5", "predict.h5", "-o", "x", "--year", "1990"],
                          "has no year 1990")

    def test_other_calibration(self):
        """A predict file of another calibration (same scenario, other posterior) is refused."""
        shutil.copy(os.path.join(OPTIONS.work, "calib.h5"), os.path.join(OPTIONS.work, "cut.h5"))
        with h5py.File(os.path.join(OPTIONS.work, "cut.h5"), "a") as f:
            del f["generation/0001"]
        self.expect_error(["cut.h5", "predict.h5", "-o", "x"], "was drawn from generation 1")


def main():
    global OPTIONS
    p = argparse.ArgumentParser()
    p.add_argument("--tumen", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--work", required=True)
    OPTIONS, rest = p.parse_known_args()
    OPTIONS.work = os.path.abspath(OPTIONS.work)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
