#!/usr/bin/env python3
"""Read tumen output files (HDF5, format_version 1) as labelled xarray datasets.

Run it with an interpreter that has numpy, h5py, xarray and h5netcdf: on Debian 12 that is
``/usr/bin/python3`` with python3-h5py, python3-xarray and python3-h5netcdf (a pyenv or venv
``python3`` first on PATH usually lacks them). docs/analysis.md walks through it.

As a library (put scripts/analysis on sys.path, or run from that folder)::

    import tumen_io
    ds = tumen_io.done_replicates(tumen_io.open("out/demo.h5"))
    per_year = tumen_io.yearly(ds, "arrivals")             # [replicate, year, destination, sex]
    tumen_io.to_csv("out/demo.h5", "arrivals.csv")         # tidy table for spreadsheets and R

As a command::

    scripts/analysis/tumen_io.py out/demo.h5                      # describe the file
    scripts/analysis/tumen_io.py out/demo.h5 --csv arrivals.csv   # export a tidy table

The layout is docs/output-format.md. Everything here selects by name, never by position, so
that names added to a coordinate in later files do not break it.
"""
import argparse
import builtins
import os
import sys

try:
    import h5netcdf  # noqa: F401  (xarray's engine="h5netcdf" needs it)
    import h5py
    import numpy as np
    import xarray as xr
except ImportError as missing:
    _NEEDS = (f"{missing} in {sys.executable}: the tumen analysis tools need numpy, h5py, xarray "
              "and h5netcdf; run them with Debian's /usr/bin/python3 (apt-get install "
              "python3-h5py python3-xarray python3-h5netcdf python3-matplotlib)")
    if __name__ == "__main__":
        sys.exit(f"tumen_io.py: error: {_NEEDS}")
    raise ImportError(_NEEDS) from missing

FORMAT = "tumen"
FORMAT_VERSION = 1
GROUPS = ("scenario", "provenance", "summary")

# Stocks and occupancy are snapshots at the end of each period, so a year's value is the last
# snapshot of the year; every other counter counts events within a period and is summed.
SNAPSHOT_VARIABLES = frozenset({"stocks", "occupancy"})

__all__ = [
    "TumenError", "TumenFileError", "open", "open_all", "open_slices", "groups", "points",
    "replicate_range", "done_replicates", "yearly", "percentiles", "to_csv",
]


class TumenError(Exception):
    """A problem the user can fix (a bad file or argument); the message says what and where."""


class TumenFileError(TumenError):
    """A file that is missing, unreadable or not a tumen output file this reader understands."""


def _text(value):
    """HDF5 strings come back as str or bytes depending on how they were written and read."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value.item())
    return value


def _point_group(point):
    return f"point/{int(point):04d}"


def points(path):
    """The sweep points a file holds, as ints (an empty list for a file of a single run)."""
    _check_readable(path)
    with _h5_open(path) as f:
        return _points_in(f)


def _points_in(f):
    """The sweep points under /point of an open h5py file."""
    if not isinstance(f.get("point"), h5py.Group):
        return []
    return sorted(int(name) for name in f["point"] if name.isdigit())


def _check_readable(path):
    path = os.fspath(path)
    if not os.path.exists(path):
        raise TumenFileError(f"{path}: no such file")
    if os.path.isdir(path):
        raise TumenFileError(f"{path}: is a directory, not a tumen output file")
    if not h5py.is_hdf5(path):
        raise TumenFileError(f"{path}: not an HDF5 file, so not a tumen output file")


def _h5_open(path):
    try:
        return h5py.File(path, "r")
    except OSError as error:
        hint = ""
        if "lock" in str(error):
            hint = " (another process, such as a running tumen, may be writing it)"
        raise TumenFileError(f"{path}: cannot open: {error}{hint}") from None


def _layout_group(path, point):
    """Check that `path` is a tumen file and return the HDF5 group holding the v1 layout.

    That is "" for a run or a slice, and "point/NNNN" for one point of a sweep file. A sweep file
    carries the tumen attributes on its root, on each point, or both, so either is accepted.
    """
    _check_readable(path)
    with _h5_open(path) as f:
        if point is None:
            base = f
            sweep_points = _points_in(f)
            if "replicate" not in f and sweep_points:
                raise TumenFileError(
                    f"{path}: a sweep file with {len(sweep_points)} points "
                    f"({sweep_points[0]}..{sweep_points[-1]}); choose one with point=N "
                    "(--point N on the command line)")
            group = ""
        else:
            group = _point_group(point)
            if not isinstance(f.get(group), h5py.Group):
                available = _points_in(f)
                listed = ", ".join(str(p) for p in available) if available else "none"
                raise TumenFileError(
                    f"{path}: no sweep point {point} (points in the file: {listed})")
            base = f[group]
        attrs = base.attrs if "format" in base.attrs else f.attrs
        found = _text(attrs.get("format"))
        if found != FORMAT:
            what = "no format attribute" if found is None else f'format = "{found}"'
            raise TumenFileError(f'{path}: not a tumen output file ({what}, expected "{FORMAT}")')
        version = int(attrs.get("format_version", 0))
        if version > FORMAT_VERSION:
            raise TumenFileError(
                f"{path}: format_version {version} is newer than this reader understands "
                f"({FORMAT_VERSION}); update scripts/analysis")
        present = [g for g in GROUPS if isinstance(base.get(g), h5py.Group)]
    return group, present


def _decode_strings(ds):
    """Make every string variable hold str, whichever way the file's strings were stored.

    tumen writes variable-length UTF-8, which h5netcdf reads as str; bytes appear with
    fixed-length strings or other writers. Decoding here lets callers select by name.
    """
    replacements = {}
    for name, variable in ds.variables.items():
        if variable.dtype.kind == "S" or (variable.dtype == object and variable.size > 0):
            values = np.asarray(variable.values)
            if values.dtype.kind == "S" or any(isinstance(v, bytes) for v in values.flat):
                decoded = np.array([_text(v) for v in values.flat], dtype=object)
                replacements[name] = variable.copy(data=decoded.reshape(values.shape))
    if replacements:
        coords = {k: v for k, v in replacements.items() if k in ds.coords}
        data = {k: v for k, v in replacements.items() if k not in ds.coords}
        ds = ds.assign_coords(coords).assign(data)
    ds.attrs = {key: _text(value) for key, value in ds.attrs.items()}
    return ds


def _open_dataset(path, group):
    try:
        ds = xr.open_dataset(path, engine="h5netcdf", group=group or None)
    except Exception as error:  # h5netcdf and HDF5 raise many kinds; the message says which
        where = f" group /{group}" if group else ""
        raise TumenFileError(f"{path}:{where} cannot be read: {error}") from None
    return _decode_strings(ds)


def open(path, group=None, point=None):  # noqa: A001  (tumen_io.open mirrors xarray's open_dataset)
    """Open a tumen file, or one of its groups, as an xarray Dataset.

    group: None for the counters at the root, or "scenario", "provenance" or "summary".
    point: the sweep point N of a sweep file, whose v1 layout lies under /point/NNNN/.

    Slices (files written for a replicate range "A:B") open like any file: their replicate
    coordinate holds A..B-1. The dataset reads lazily; close it, or use it in a `with` block,
    to release the file. Raises TumenFileError for a file that is missing or not tumen's.
    """
    path = os.fspath(path)
    base, present = _layout_group(path, point)
    if group is not None and group not in present:
        listed = ", ".join(present) if present else "none"
        raise TumenFileError(f"{path}: no /{group} group (groups in the file: {listed})")
    full = "/".join(part for part in (base, group) if part)
    ds = _open_dataset(path, full)
    if group is None:
        _check_replicates(path, ds)
        # They label places. xarray makes them coordinates only where a dataset names them in
        # its `coordinates` attribute, which a file without /occupancy or /location_events lacks.
        ds = ds.set_coords([n for n in ("location_kind", "location_country") if n in ds.data_vars])
    return ds


def groups(path, point=None):
    """The groups a file (or sweep point) holds, of "scenario", "provenance" and "summary"."""
    return _layout_group(os.fspath(path), point)[1]


def open_all(path, point=None):
    """Every part of a file as a dict of Datasets: "root" (the counters) and each group present.

    The groups are "scenario", "provenance" and, in files that have it, "summary".
    """
    path = os.fspath(path)
    _, present = _layout_group(path, point)
    parts = {"root": open(path, point=point)}
    for group in present:
        parts[group] = open(path, group=group, point=point)
    return parts


def replicate_range(ds):
    """The (A, B) of a file's replicate_range "A:B": it holds replicates A..B-1."""
    text = ds.attrs.get("replicate_range", "")
    try:
        first, end = (int(part) for part in str(text).split(":"))
    except ValueError:
        raise TumenError(f'replicate_range "{text}" is not "A:B"') from None
    return first, end


def _check_replicates(path, ds):
    """A replicate axis that disagrees with replicate_range means the file is not what it says."""
    if "replicate" not in ds.coords or "replicate_range" not in ds.attrs:
        return
    first, end = replicate_range(ds)
    found = ds["replicate"].values
    if not np.array_equal(found, np.arange(first, end)):
        raise TumenFileError(
            f"{path}: the replicate coordinate ({found.min() if found.size else '-'}.."
            f"{found.max() if found.size else '-'}, {found.size} values) does not match "
            f'replicate_range "{first}:{end}"')


def open_slices(paths):
    """Join the slice files of one run (e.g. a Slurm job array) into a single Dataset.

    The slices must come from the same run (scenario_hash, seed, replicate_total, period and
    dates agree) and must not overlap. The result is sorted by replicate; its replicate_range
    attribute lists the ranges joined, e.g. "0:4,8:12" where replicates are missing.
    """
    datasets = [open(p) for p in paths]
    if not datasets:
        raise TumenError("open_slices needs at least one file")
    keys = ("scenario_hash", "seed", "replicate_total", "period", "start_date", "end_date")
    reference = datasets[0].attrs
    for path, ds in zip(paths[1:], datasets[1:]):
        for key in keys:
            if ds.attrs.get(key) != reference.get(key):
                raise TumenError(
                    f"{path}: {key} = {ds.attrs.get(key)!r} differs from {paths[0]}'s "
                    f"{reference.get(key)!r}: not a slice of the same run")
    ranges = sorted((replicate_range(ds), path) for ds, path in zip(datasets, paths))
    for (previous, previous_path), (current, current_path) in zip(ranges, ranges[1:]):
        if current[0] < previous[1]:
            raise TumenError(f"{current_path}: replicates {current[0]}:{current[1]} overlap "
                             f"{previous_path}'s {previous[0]}:{previous[1]}")
    joined = xr.concat(datasets, dim="replicate", data_vars="minimal", coords="minimal",
                       compat="override", combine_attrs="override").sortby("replicate")
    merged = []
    for (first, end), _ in ranges:
        if merged and merged[-1][1] == first:
            merged[-1][1] = end
        else:
            merged.append([first, end])
    joined.attrs["replicate_range"] = ",".join(f"{a}:{b}" for a, b in merged)
    return joined


def done_replicates(ds):
    """Only the replicates whose replicate_done flag is 1.

    A .partial file left by an interrupted run holds unfinished replicates whose values are
    anything from zeros to half their data; statistics must never include them.
    """
    if "replicate_done" not in ds or "replicate" not in ds.dims:
        return ds
    done = np.flatnonzero(ds["replicate_done"].values == 1)
    return ds.isel(replicate=done)


def _complete_years(ds, years):
    """Which calendar years the run covers from 1 January to 31 December."""
    start, end = ds.attrs.get("start_date"), ds.attrs.get("end_date")
    if not start or not end:
        return np.ones(len(years), dtype=bool)
    return np.array([start <= f"{y:04d}-01-01" and end >= f"{y:04d}-12-31" for y in years])


def yearly(ds, var):
    """A per-period variable aggregated to calendar years, on a new `year` axis.

    Counts of events (events, arrivals, ...) are summed over the periods of each year. Stocks
    and occupancy are snapshots, so a year's value is the last snapshot in it (the end of the
    year, or the end of the run). The `complete` coordinate is False for a year the run covers
    only in part (a run that starts after 1 January or ends before 31 December): its sum is not
    a full year's. `var` is a variable name, or a DataArray of `ds` (e.g. already summed over sex).
    """
    data = ds[var] if isinstance(var, str) else var
    if "time" not in data.dims:
        raise TumenError(f"{data.name}: has no time axis, so no yearly values")
    grouped = data.groupby("time.year")
    result = grouped.last() if data.name in SNAPSHOT_VARIABLES else grouped.sum("time")
    result = result.transpose(*[("year" if d == "time" else d) for d in data.dims])
    result.attrs = dict(data.attrs)
    if "long_name" in result.attrs:
        result.attrs["long_name"] = result.attrs["long_name"].replace(
            "each period", "each calendar year")
    years = result["year"].values
    return result.assign_coords(complete=("year", _complete_years(ds, years)))


def percentiles(data, q=(0.05, 0.5, 0.95), dim="replicate"):
    """Percentiles across replicates, numpy's default linear method (as `tumen inspect`)."""
    return data.quantile(list(q), dim=dim, method="linear")


def to_csv(path, out_csv, variable="arrivals", by_year=True, point=None, block=256):
    """Write one variable as a tidy long table: replicate, year or time, each label, value.

    One row per value, so spreadsheets and R (`read.csv`, then `dplyr`/`ggplot2`) need no
    reshaping. Only completed replicates are written. by_year sums counts to calendar years (see
    `yearly`, which also says what happens to a partial year); otherwise `time` is the ISO date
    of the first day of each period. `path` may also be an open Dataset (e.g. from
    `open_slices`). Replicates are written `block` at a time so memory stays bounded. Returns
    the number of rows written.
    """
    opened = not isinstance(path, xr.Dataset)
    ds = open(path, point=point) if opened else path
    try:
        return _write_tidy(done_replicates(ds), out_csv, variable, by_year, block,
                           os.fspath(path) if opened else "the dataset")
    finally:
        if opened:
            ds.close()


def _write_tidy(ds, out_csv, variable, by_year, block, where):
    if variable not in ds.data_vars:
        names = ", ".join(sorted(v for v in ds.data_vars if v != "replicate_done"))
        raise TumenError(f"{where}: no variable {variable!r} (variables: {names})")
    data = ds[variable]
    rows = 0
    count = ds.sizes.get("replicate", 1) if "replicate" in data.dims else 1
    try:
        out = builtins.open(out_csv, "w", newline="", encoding="utf-8")
    except OSError as error:
        raise TumenError(f"{out_csv}: cannot write: {error.strerror or error}") from None
    with out:
        for start in range(0, max(count, 1), block):
            part = data
            if "replicate" in data.dims:
                part = data.isel(replicate=slice(start, start + block))
            part = part.load()
            if by_year and "time" in part.dims:
                part = yearly(ds, part)
            frame = part.reset_coords(drop=True).to_dataframe(name="value").reset_index()
            if "time" in frame.columns:
                frame["time"] = frame["time"].dt.strftime("%Y-%m-%d")
            frame.to_csv(out, index=False, header=(start == 0), lineterminator="\n")
            rows += len(frame)
    return rows


def describe(path, point=None):
    """A few lines about a file: run, replicates done, dimensions and variables."""
    ds = open(path, point=point)
    a = ds.attrs
    done = int((ds["replicate_done"].values == 1).sum()) if "replicate_done" in ds else None
    lines = [
        f"file        {path}" + (f" (point {point})" if point is not None else ""),
        f"scenario    {a.get('scenario_name')}  seed {a.get('seed')}  "
        f"tumen {a.get('tumen_version')}",
        f"period      {a.get('period')}, {a.get('start_date')} to {a.get('end_date')}",
        f"replicates  {done if done is not None else '?'} done of {ds.sizes.get('replicate', 0)} "
        f"in range {a.get('replicate_range')} of {a.get('replicate_total')}",
        "dimensions  " + " ".join(f"{k}={v}" for k, v in ds.sizes.items()),
        "variables   " + " ".join(str(v) for v in ds.data_vars),
    ]
    ds.close()
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Describe a tumen output file, or export one variable as a tidy CSV table "
                    "(replicate, year or time, each label, value). Completed replicates only.")
    parser.add_argument("file", help="a tumen output file (.h5, or a .h5.partial)")
    parser.add_argument("--csv", metavar="OUT.csv", help="write the tidy table here")
    parser.add_argument("--variable", default="arrivals",
                        help="the dataset to export (default: arrivals)")
    parser.add_argument("--per-period", action="store_true",
                        help="one row per output period (time = first day) instead of per year")
    parser.add_argument("--point", type=int, help="the sweep point to read, in a sweep file")
    args = parser.parse_args(argv)
    prog = os.path.basename(sys.argv[0]) or "tumen_io.py"
    try:
        if args.csv:
            rows = to_csv(args.file, args.csv, args.variable, by_year=not args.per_period,
                          point=args.point)
            print(f"wrote {args.csv} ({rows} rows)")
        else:
            print(describe(args.file, args.point))
    except TumenError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
