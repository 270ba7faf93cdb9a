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
    # A policy variant with the same draws, and one with other draws.
    variant = "two_place_years_fences.toml"
    tumen("predict", "calib.h5", "-o", "variant.h5", "-r", "60", "-q", "-t", "2",
          "--scenario", variant)
    tumen("predict", "calib.h5", "-o", "variant-other-seed.h5", "-r", "60", "-q", "-t", "2",
          "--scenario", variant, "--seed", "3")


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


def yearly_per_replicate(path, row):
    """Caught at the border and arrivals at Safe in year `row`, by replicate, from the run
    datasets (the test's own reading, not report.py's)."""
    with h5py.File(os.path.join(OPTIONS.work, path)) as f:
        events = [e.decode() for e in f["event"][:]]
        by_replicate = {int(r): k for k, r in enumerate(f["replicate"][:])}
        caught, arrived = [], []
        for r in sorted(by_replicate):
            k = by_replicate[r]
            caught.append(int(f["events"][k, row, events.index("caught_at_border"), :].sum()))
            arrived.append(int(f["arrivals"][k, row, 0, :].sum()))
    return np.array(caught), np.array(arrived)


class VariantTableTest(unittest.TestCase):
    """--variant: the medians of each file and the paired differences, replicate by replicate."""

    def test_variant_table(self):
        result = report("calib.h5", "predict.h5", "-o", "figures-variants",
                        "--variant", "fences=variant.h5")
        self.assertEqual(result.returncode, 0, result.stderr)
        folder = os.path.join(OPTIONS.work, "figures-variants")
        with open(os.path.join(folder, "breakdown-2006-variants.csv")) as table:
            rows = {(r["scenario"], r["quantity"]): r for r in csv.DictReader(table)}
        for scenario, path in (("base", "predict.h5"), ("fences", "variant.h5")):
            with h5py.File(os.path.join(OPTIONS.work, path)) as f:
                row = list(f["predictive/year"][:]).index(2006)
                for name in ("caught_at_border", "arrivals_observed_destinations", "deaths"):
                    quantiles = f["predictive"][name][row]
                    self.assertEqual(float(rows[(scenario, name)]["median"]), quantiles[2])
                    self.assertEqual(float(rows[(scenario, name)]["p5"]), quantiles[0])
                    self.assertEqual(float(rows[(scenario, name)]["p95"]), quantiles[4])
        self.assertEqual(rows[("base", "caught_at_border")]["difference_median"], "")
        caught_base, arrived_base = yearly_per_replicate("predict.h5", 5)
        caught_variant, arrived_variant = yearly_per_replicate("variant.h5", 5)
        for name, difference in (("caught_at_border", caught_variant - caught_base),
                                 ("arrivals_observed_destinations",
                                  arrived_variant - arrived_base)):
            expected = np.quantile(difference.astype(float), (0.05, 0.5, 0.95))
            self.assertEqual(float(rows[("fences", name)]["difference_p5"]), expected[0])
            self.assertEqual(float(rows[("fences", name)]["difference_median"]), expected[1])
            self.assertEqual(float(rows[("fences", name)]["difference_p95"]), expected[2])
        with open(os.path.join(folder, "breakdown-2006-variants.md")) as md:
            text = md.read()
        self.assertIn("| caught at the border | fences |", text)
        self.assertIn("60 draws, the same in every scenario", text)

    def test_variant_errors(self):
        for args, message in (
                (["--variant", "fences"], "--variant expects NAME=VARIANT.h5, found 'fences'"),
                (["--variant", "base=predict.h5"], "predict.h5: not a policy variant's predict"),
                (["--variant", "seed3=variant-other-seed.h5"],
                 "variant-other-seed.h5: not paired with predict.h5")):
            result = report("calib.h5", "predict.h5", "-o", "x", *args)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn(message, result.stderr)
            self.assertNotIn("Traceback", result.stderr)


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
