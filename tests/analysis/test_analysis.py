#!/usr/bin/env python3
"""Tests of scripts/analysis on files written by the real tumen binary.

Usage (CTest runs it; see CMakeLists.txt):
    test_analysis.py --tumen PATH/TO/tumen --source REPO --work SCRATCH [unittest arguments]

The unittest arguments pick a class: ReaderTest (tumen_io against values read with h5py),
ScriptTest (every script writes a valid PNG and SVG) or ErrorTest (bad input gives exit code 1
and a message). A missing numpy, h5py, xarray, h5netcdf or matplotlib is a failure, never a skip.
"""
import argparse
import concurrent.futures
import csv
import datetime
import os
import shutil
import subprocess
import sys
import unittest
from collections import defaultdict

sys.dont_write_bytecode = True  # keep __pycache__ out of scripts/analysis in the source tree

try:
    import h5netcdf  # noqa: F401
    import h5py
    import matplotlib  # noqa: F401
    import numpy as np
    import xarray  # noqa: F401  (tumen_io needs it; a missing one must fail here)
    from PIL import Image
except ImportError as missing:
    print(f"error: {missing} in {sys.executable}: the analysis tests need python3-numpy, "
          "python3-h5py, python3-xarray, python3-h5netcdf and python3-matplotlib (set the CMake "
          "cache variable TUMEN_PYTHON3 to an interpreter that has them)", file=sys.stderr)
    sys.exit(1)

OPTIONS = None  # the parsed --tumen, --source and --work
FILES = {}  # name: path of the files setUpModule writes
SCRIPTS = ("plot_arrivals.py", "plot_flows.py", "plot_stocks.py", "compare.py", "tumen_io.py")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def scripts_dir():
    return os.path.join(OPTIONS.source, "scripts", "analysis")


def tumen_run(output, *extra):
    """Run the real engine on the example scenario: what the scripts read is what it writes."""
    scenario = os.path.join(OPTIONS.source, "scenarios", "examples", "corridor.toml")
    command = [OPTIONS.tumen, "run", scenario, "-o", output, "--force", "--quiet", "-t", "2",
               *extra]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {result.stderr}")
    return output


def setUpModule():
    shutil.rmtree(OPTIONS.work, ignore_errors=True)
    os.makedirs(OPTIONS.work)
    FILES["year"] = tumen_run(os.path.join(OPTIONS.work, "year.h5"), "-r", "4", "--period", "year")
    FILES["month"] = tumen_run(os.path.join(OPTIONS.work, "month.h5"), "-r", "3",
                               "--period", "month", "--seed", "11")
    sys.path.insert(0, scripts_dir())


def script(name, *args):
    """Run one analysis script with this interpreter, as a user would with /usr/bin/python3."""
    command = [sys.executable, os.path.join(scripts_dir(), name), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=OPTIONS.work)


def scripts_at_once(runs):
    """Run several (script, *args) at once: each start pays for importing xarray and matplotlib."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(lambda run: script(*run), runs))


def work(name):
    return os.path.join(OPTIONS.work, name)


def read_h5(path, variable):
    """(values of completed replicates, their replicate numbers, labels by axis, years of time)."""
    with h5py.File(path, "r") as f:
        done = f["replicate_done"][...] == 1
        values = f[variable][...][done]
        replicates = f["replicate"][...][done]
        axes = [dim[0].name.rsplit("/", 1)[-1] for dim in f[variable].dims]  # attached scales
        labels = {}
        for axis in axes[1:]:
            coordinate = f[axis]
            labels[axis] = (list(coordinate.asstr()[...]) if coordinate.dtype.kind == "O"
                            else list(coordinate[...]))
        start = datetime.date.fromisoformat(f.attrs["start_date"])
        days = f["time"][...] if "time" in f else []
    periods = [start + datetime.timedelta(days=int(d)) for d in days]
    return values, replicates, axes, labels, periods


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def check_png(test, path):
    """A real PNG: signature, an IHDR chunk with a size, IEND last, and PIL can decode it."""
    test.assertTrue(os.path.isfile(path), f"{path} was not written")
    with open(path, "rb") as handle:
        data = handle.read()
    test.assertGreater(len(data), 1000, f"{path} is almost empty")
    test.assertEqual(data[:8], PNG_SIGNATURE, f"{path} lacks the PNG signature")
    test.assertEqual(data[12:16], b"IHDR", f"{path} does not start with an IHDR chunk")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    test.assertGreater(width, 200, path)
    test.assertGreater(height, 200, path)
    test.assertEqual(data[-8:-4], b"IEND", f"{path} is truncated (no IEND chunk at the end)")
    with Image.open(path) as image:
        image.load()
        test.assertEqual(image.size, (width, height))


def check_svg(test, path):
    test.assertTrue(os.path.isfile(path), f"{path} was not written")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    test.assertIn("<svg", text, f"{path} is not an SVG")
    test.assertTrue(text.rstrip().endswith("</svg>"), f"{path} is truncated")


class ReaderTest(unittest.TestCase):
    """tumen_io: what it reads and exports equals what h5py reads directly from the file."""

    @classmethod
    def setUpClass(cls):
        import tumen_io
        cls.io = tumen_io

    def expected_by_year(self, path, variable):
        values, replicates, axes, labels, periods = read_h5(path, variable)
        expected = defaultdict(int)
        for index in np.ndindex(values.shape):
            r, t, rest = index[0], index[1], index[2:]
            key = (int(replicates[r]), periods[t].year,
                   *(str(labels[axis][i]) for axis, i in zip(axes[2:], rest)))
            expected[key] += int(values[index])
        return dict(expected), axes

    def csv_rows(self, path, header_length):
        header, rows = read_csv(path)
        table = {}
        for row in rows:
            self.assertEqual(len(row), header_length, row)
            key = (int(row[0]), int(row[1]), *row[2:-1])
            self.assertNotIn(key, table, f"duplicate row {row}")
            table[key] = int(row[-1])
        return header, table

    def test_open_labels_every_axis_with_str_names_and_dates(self):
        with self.io.open(FILES["month"]) as ds:
            self.assertEqual(ds.attrs["format"], "tumen")
            self.assertEqual(ds.attrs["period"], "month")
            self.assertEqual(ds["arrivals"].dims, ("replicate", "time", "destination", "sex"))
            self.assertEqual(list(ds["sex"].values), ["female", "male"])
            for name in ("location", "location_kind", "event", "state", "route", "destination"):
                self.assertTrue(all(isinstance(v, str) for v in ds[name].values), name)
            self.assertEqual(ds["time"].dtype.kind, "M")
            self.assertEqual(str(ds["time"].values[0])[:10], ds.attrs["start_date"])

    def test_open_all_includes_the_groups(self):
        parts = self.io.open_all(FILES["year"])
        self.assertLessEqual({"root", "scenario", "provenance"}, set(parts))
        self.assertEqual(set(parts) - {"root", "scenario", "provenance"} - {"summary"}, set())
        if "summary" in parts:
            self.assertIn("quantile", parts["summary"].coords)
        scenario = parts["scenario"]
        self.assertTrue(any(str(f).endswith("corridor.toml") for f in scenario["file"].values))
        self.assertEqual(parts["provenance"].sizes["replicate"], 4)
        with self.assertRaises(self.io.TumenFileError):
            self.io.open(FILES["year"], group="summary" if "summary" not in parts else "nope")

    def test_csv_by_year_equals_the_h5py_sums(self):
        out = work("arrivals-by-year.csv")
        rows = self.io.to_csv(FILES["month"], out, "arrivals", by_year=True)
        expected, _ = self.expected_by_year(FILES["month"], "arrivals")
        header, table = self.csv_rows(out, 5)
        self.assertEqual(header, ["replicate", "year", "destination", "sex", "value"])
        self.assertEqual(rows, len(expected))
        self.assertEqual(table, expected)
        self.assertGreater(sum(table.values()), 0, "the run should have arrivals")

    def test_csv_per_period_equals_the_h5py_values(self):
        out = work("events-per-period.csv")
        self.io.to_csv(FILES["year"], out, "events", by_year=False)
        values, replicates, _, labels, periods = read_h5(FILES["year"], "events")
        header, rows = read_csv(out)
        self.assertEqual(header, ["replicate", "time", "event", "sex", "value"])
        self.assertEqual(len(rows), values.size)
        for row in rows:
            r = list(replicates).index(int(row[0]))
            t = [p.isoformat() for p in periods].index(row[1])
            e, s = labels["event"].index(row[2]), labels["sex"].index(row[3])
            self.assertEqual(int(row[4]), values[r, t, e, s], row)

    def test_csv_without_time_axis(self):
        out = work("route-flow.csv")
        self.io.to_csv(FILES["year"], out, "route_flow")
        values, replicates, _, labels, _ = read_h5(FILES["year"], "route_flow")
        header, rows = read_csv(out)
        self.assertEqual(header, ["replicate", "route", "value"])
        got = {(int(r), route): int(v) for r, route, v in rows}
        want = {(int(replicates[i]), labels["route"][j]): int(values[i, j])
                for i, j in np.ndindex(values.shape)}
        self.assertEqual(got, want)

    def test_yearly_stocks_are_end_of_year_snapshots(self):
        ds = self.io.done_replicates(self.io.open(FILES["month"]))
        stocks = self.io.yearly(ds, "stocks")
        values, _, _, _, periods = read_h5(FILES["month"], "stocks")
        last_of_year = {}
        for t, period in enumerate(periods):
            last_of_year[period.year] = t
        for y, year in enumerate(stocks["year"].values):
            np.testing.assert_array_equal(stocks.values[:, y], values[:, last_of_year[year]])
        self.assertTrue(bool(stocks["complete"].all()))

    def test_unfinished_replicates_are_left_out(self):
        partial = work("unfinished.h5")
        shutil.copy(FILES["month"], partial)
        with h5py.File(partial, "r+") as f:
            f["replicate_done"][1] = 0
        ds = self.io.done_replicates(self.io.open(partial))
        self.assertEqual(list(ds["replicate"].values), [0, 2])
        out = work("unfinished.csv")
        self.io.to_csv(partial, out)
        expected, _ = self.expected_by_year(partial, "arrivals")
        _, table = self.csv_rows(out, 5)
        self.assertEqual(table, expected)
        self.assertEqual({key[0] for key in table}, {0, 2})

    def make_slice(self, name, first):
        """A file as a slice run writes it: replicates first..first+3, replicate_range to match."""
        path = work(name)
        shutil.copy(FILES["year"], path)
        with h5py.File(path, "r+") as f:
            f["replicate"][...] = np.arange(first, first + 4)
            f.attrs["replicate_range"] = f"{first}:{first + 4}"
        return path

    def test_slices_open_and_join(self):
        piece = self.make_slice("slice.h5", 8)
        with self.io.open(piece) as ds:
            self.assertEqual(list(ds["replicate"].values), [8, 9, 10, 11])
            self.assertEqual(self.io.replicate_range(ds), (8, 12))
        out = work("slice.csv")
        self.io.to_csv(piece, out)
        self.assertEqual({int(row[0]) for row in read_csv(out)[1]}, {8, 9, 10, 11})
        joined = self.io.open_slices([piece, FILES["year"]])
        self.assertEqual(list(joined["replicate"].values), [0, 1, 2, 3, 8, 9, 10, 11])
        self.assertEqual(joined.attrs["replicate_range"], "0:4,8:12")
        np.testing.assert_array_equal(joined["arrivals"].sel(replicate=[0, 8]).values[0],
                                      joined["arrivals"].sel(replicate=[0, 8]).values[1])
        with self.assertRaises(self.io.TumenError):
            self.io.open_slices([FILES["year"], FILES["year"]])  # overlapping ranges

    def test_slice_whose_axis_contradicts_its_range_is_refused(self):
        piece = self.make_slice("bad-slice.h5", 8)
        with h5py.File(piece, "r+") as f:
            f.attrs["replicate_range"] = "0:4"
        with self.assertRaisesRegex(self.io.TumenFileError, "replicate_range"):
            self.io.open(piece)

    def test_sweep_points(self):
        sweep = work("sweep.h5")
        with self.io.open(FILES["year"]) as ds, self.io.open(FILES["year"], group="scenario") as sc:
            ds, sc = ds.load(), sc.load()
        for point in (0, 1):
            ds.to_netcdf(sweep, group=f"point/{point:04d}", mode="a" if point else "w",
                         engine="h5netcdf")
            sc.to_netcdf(sweep, group=f"point/{point:04d}/scenario", mode="a", engine="h5netcdf")
        with h5py.File(sweep, "r+") as f:
            f.attrs["format"] = "tumen"
            f.attrs["format_version"] = 1
        self.assertEqual(self.io.points(sweep), [0, 1])
        parts = self.io.open_all(sweep, point=1)
        self.assertIn("scenario", parts)
        values = read_h5(FILES["year"], "arrivals")[0]
        np.testing.assert_array_equal(parts["root"]["arrivals"].values, values)
        with self.assertRaisesRegex(self.io.TumenFileError, "sweep file with 2 points"):
            self.io.open(sweep)
        with self.assertRaisesRegex(self.io.TumenFileError, "no sweep point 7"):
            self.io.open(sweep, point=7)
        result = script("plot_stocks.py", sweep, "--point", "1", "-o", work("sweep-stocks"))
        self.assertEqual(result.returncode, 0, result.stderr)
        check_png(self, work("sweep-stocks.png"))

    def test_command_line_csv(self):
        out = work("cli.csv")
        result = script("tumen_io.py", FILES["month"], "--csv", out, "--variable", "stocks")
        self.assertEqual(result.returncode, 0, result.stderr)
        header, rows = read_csv(out)
        self.assertEqual(header, ["replicate", "year", "state", "sex", "value"])
        values, _, _, labels, periods = read_h5(FILES["month"], "stocks")
        years = {period.year for period in periods}
        self.assertEqual(len(rows), len(values) * len(years) * len(labels["state"]) * 2)
        result = script("tumen_io.py", FILES["month"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("3 done of 3", result.stdout)


class ScriptTest(unittest.TestCase):
    """Every plotting script writes a valid, non-empty PNG and an SVG."""

    def run_script(self, name, *args, prefix):
        result = script(name, *args, "-o", work(prefix))
        self.assertEqual(result.returncode, 0, f"{name}: {result.stderr}")
        self.assertNotIn("Traceback", result.stderr)
        check_png(self, work(prefix + ".png"))
        check_svg(self, work(prefix + ".svg"))
        return result

    def test_plot_arrivals_with_observed(self):
        observed = work("observed.csv")
        with open(observed, "w", encoding="utf-8") as handle:
            handle.write("year,total,male,female,source\n1999,10,,,outside the run\n"
                         "2001,300,,,no split by sex\n2003,500,200,300,\n2005,,250,350,x\n")
        self.run_script("plot_arrivals.py", FILES["month"], "--observed", observed,
                        prefix="arrivals")

    def test_observed_blank_cells_are_missing_not_zero(self):
        import plot_arrivals
        observed = work("observed-blanks.csv")
        with open(observed, "w", encoding="utf-8") as handle:
            handle.write("year,total,male,female\n2001,300,,\n2003,500,200,300\n2005,,250,350\n")
        data = plot_arrivals.read_observed(observed)
        ds = plot_arrivals.tumen_io.done_replicates(plot_arrivals.tumen_io.open(FILES["month"]))
        target = plot_arrivals.observed_destination(ds, None)
        self.assertEqual(target, "South Korea")
        fig = plot_arrivals.plot(ds, FILES["month"], data, observed, target)
        points = {line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
                  for ax in fig.axes for line in ax.get_lines()
                  if line.get_label().startswith("observed")}
        self.assertEqual(points["observed total"], ([2001, 2003], [300.0, 500.0]))
        self.assertEqual(points["observed male"], ([2003, 2005], [200.0, 250.0]))
        self.assertEqual(points["observed female"], ([2003, 2005], [300.0, 350.0]))

    def test_plot_flows(self):
        self.run_script("plot_flows.py", FILES["year"], prefix="flows")

    def test_plot_stocks(self):
        self.run_script("plot_stocks.py", FILES["month"], prefix="stocks")

    def test_compare(self):
        self.run_script("compare.py", FILES["year"], FILES["month"], "--labels", "yearly",
                        "monthly", prefix="compare")

    def test_default_prefix_is_next_to_the_input(self):
        demo = work("demo.h5")
        shutil.copy(FILES["year"], demo)
        result = script("plot_flows.py", demo)
        self.assertEqual(result.returncode, 0, result.stderr)
        check_png(self, work("demo-flows.png"))

    def test_help(self):
        results = scripts_at_once([(name, "--help") for name in SCRIPTS])
        for name, result in zip(SCRIPTS, results):
            self.assertEqual(result.returncode, 0, f"{name}: {result.stderr}")
            self.assertIn("usage:", result.stdout, name)


class ErrorTest(unittest.TestCase):
    """A file that is not a usable tumen file gives exit code 1 and a message, no traceback."""

    @classmethod
    def setUpClass(cls):
        cls.not_tumen = work("not-tumen.h5")
        with h5py.File(cls.not_tumen, "w") as f:
            f["numbers"] = np.arange(3)
        cls.text = work("notes.txt")
        with open(cls.text, "w", encoding="utf-8") as handle:
            handle.write("not HDF5\n")
        cls.newer = work("newer.h5")
        shutil.copy(FILES["year"], cls.newer)
        with h5py.File(cls.newer, "r+") as f:
            f.attrs["format_version"] = 99

    def assert_refused(self, result, message):
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn(message, result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_every_script_refuses_a_non_tumen_file(self):
        runs = [(name, FILES["year"], self.not_tumen) if name == "compare.py"
                else (name, self.not_tumen) for name in SCRIPTS]
        for name, result in zip(SCRIPTS, scripts_at_once(runs)):
            with self.subTest(script=name):
                self.assert_refused(result, "not a tumen output file")

    def test_missing_text_and_newer_files(self):
        cases = [(work("absent.h5"), "no such file"), (self.text, "not an HDF5 file"),
                 (self.newer, "format_version 99 is newer")]
        results = scripts_at_once([("plot_arrivals.py", path) for path, _ in cases])
        for (path, message), result in zip(cases, results):
            with self.subTest(path=path):
                self.assert_refused(result, message)

    def test_library_raises_tumen_file_error(self):
        import tumen_io
        for path in (work("absent.h5"), self.text, self.not_tumen, self.newer):
            with self.subTest(path=path), self.assertRaises(tumen_io.TumenFileError):
                tumen_io.open(path)

    def test_bad_observed_csv(self):
        bad = work("observed-bad.csv")
        with open(bad, "w", encoding="utf-8") as handle:
            handle.write("when,total\n2001,5\n")
        self.assert_refused(script("plot_arrivals.py", FILES["year"], "--observed", bad),
                            "expected a 'year' column")
        with open(bad, "w", encoding="utf-8") as handle:
            handle.write("year,total\n2001,many\n")
        self.assert_refused(script("plot_arrivals.py", FILES["year"], "--observed", bad),
                            "observed-bad.csv:2: column 'total'")

    def test_compare_needs_two_files(self):
        result = script("compare.py", FILES["year"])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("two or more files", result.stderr)

    def test_unknown_csv_variable(self):
        result = script("tumen_io.py", FILES["year"], "--csv", work("x.csv"), "--variable", "nope")
        self.assert_refused(result, "no variable 'nope'")


def main():
    global OPTIONS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tumen", required=True, help="the tumen binary")
    parser.add_argument("--source", required=True, help="the repository root")
    parser.add_argument("--work", required=True, help="a scratch folder, emptied first")
    OPTIONS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)


if __name__ == "__main__":
    main()
