#!/usr/bin/env python3
"""Opens the synthetic run written by test_output with xarray and h5netcdf, as users will.

Usage: xarray_open.py RUN.h5 NO_ROUTES.h5

The expected values follow tests/output/synthetic_run.hpp: value = code * 1e9 + replicate * 1e6
+ the row-major position within the replicate's slab. Fails when numpy, h5py, xarray or h5netcdf
is not installed: a missing component is a failure, never a silent pass or a skip.
"""
import sys

try:
    import h5py
    import numpy as np
    import xarray as xr
    import h5netcdf  # noqa: F401  (xarray's engine="h5netcdf" needs it)
except ImportError as missing:
    print(f"error: {missing} (scripts/bootstrap installs python3-numpy, python3-h5py, "
          "python3-xarray and python3-h5netcdf)")
    sys.exit(1)

REPLICATES = [4, 5, 6]
SIZES = {
    "replicate": 3,
    "time": 4,
    "location": 3,
    "destination": 2,
    "event": 10,
    "state": 7,
    "sex": 2,
    "route": 2,
    "years_abroad": 21,
}
COUNTERS = {  # name: (code, dimensions)
    "events": (1, ("replicate", "time", "event", "sex")),
    "location_events": (2, ("replicate", "time", "location", "event")),
    "arrivals": (3, ("replicate", "time", "destination", "sex")),
    "arrivals_by_years_abroad": (4, ("replicate", "time", "destination", "years_abroad")),
    "stocks": (5, ("replicate", "time", "state", "sex")),
    "occupancy": (6, ("replicate", "time", "location")),
    "route_flow": (7, ("replicate", "route")),
}


def expected_values(code, shape):
    slab = int(np.prod(shape[1:], dtype=np.int64))
    replicate = np.array(REPLICATES, dtype=np.int64).reshape((-1,) + (1,) * (len(shape) - 1))
    position = np.arange(slab, dtype=np.int64).reshape((1,) + tuple(shape[1:]))
    return code * 1_000_000_000 + replicate * 1_000_000 + position


def check_run(path):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert dict(ds.sizes) == SIZES, dict(ds.sizes)
        for name, (code, dims) in COUNTERS.items():
            variable = ds[name]
            assert variable.dims == dims, (name, variable.dims)
            assert variable.dtype == np.int64, (name, variable.dtype)
            shape = tuple(SIZES[d] for d in dims)
            np.testing.assert_array_equal(variable.values, expected_values(code, shape), name)
            assert variable.attrs["units"] in ("people", "events"), (name, variable.attrs)

        # Every axis is labelled by its coordinate.
        for dim in SIZES:
            assert dim in ds.coords, dim
        assert ds["time"].dtype.kind == "M", ds["time"].dtype
        np.testing.assert_array_equal(
            ds["time"].values,
            np.array(["2000-01-01", "2000-02-01", "2000-03-01", "2000-04-01"], "datetime64[ns]"),
        )
        assert list(ds["replicate"].values) == REPLICATES
        assert list(ds["location"].values) == ["회령", "延吉", "Shenyang"]
        assert list(ds["route"].values) == ["회령->延吉", "延吉->Shenyang"]
        assert list(ds["sex"].values) == ["female", "male"]
        assert list(ds["years_abroad"].values) == list(range(21))
        # The CF "coordinates" attribute makes the location properties travel with the data.
        assert list(ds["occupancy"].coords["location_kind"].values) == [
            "border_crossing", "transit", "transit"]
        assert list(ds["location_country"].values) == ["KP", "CN", "CN"]
        assert ds["replicate_done"].dims == ("replicate",)
        assert ds["replicate_done"].dtype == np.uint8
        assert list(ds["replicate_done"].values) == [1, 1, 1]

        # Selecting by label, as an analysis script would.
        repatriated = ds["events"].sel(replicate=5, event="repatriated", sex="male")
        assert int(repatriated.sel(time="2000-03-01")) == 1_005_000_000 + (2 * 10 + 5) * 2 + 1

        assert ds.attrs["format"] == "tumen"
        assert int(ds.attrs["format_version"]) == 1
        assert int(ds.attrs["seed"]) == 18446744073709551557
        assert ds.attrs["replicate_range"] == "4:7"
        assert ds.attrs["period"] == "month"

    with xr.open_dataset(path, engine="h5netcdf", group="provenance") as provenance:
        wall = provenance["replicate_wall_seconds"]
        assert wall.dims == ("replicate",), wall.dims
        np.testing.assert_array_equal(wall.values, [5.25, 6.25, 7.25])
        assert provenance.attrs["host"] == "test-host"
        assert provenance.attrs["finished_utc"].endswith("Z")

    with xr.open_dataset(path, engine="h5netcdf", group="scenario") as scenario:
        assert list(scenario["file"].values) == ["synthetic.toml", "tables/places.csv"]
        assert scenario["file_text"].sel(file="tables/places.csv").item().startswith("name,kind")
        assert scenario["parameter_value"].sel(parameter="broker.fee_usd").item() == "8000"
        assert list(scenario["set"].values) == ["patrol.intensity=2.0"]

    check_summary(path)

    # h5py, for those who do not use xarray.
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "tumen"
        assert f["event"].asstr()[...].tolist()[0] == "departed"
        assert f["time"].attrs["units"] == "days since 2000-01-01"
        assert f["events"].chunks == (1, 4, 10, 2)
        assert f["events"].compression == "gzip" and f["events"].shuffle and f["events"].fletcher32


def check_summary(path):
    """/summary is numpy's mean and linear quantiles of the per-replicate data, labelled."""
    with xr.open_dataset(path, engine="h5netcdf") as ds, \
            xr.open_dataset(path, engine="h5netcdf", group="summary") as summary:
        np.testing.assert_array_equal(summary["quantile"].values, [0.05, 0.5, 0.95])
        assert int(summary.attrs["replicates"]) == len(REPLICATES)
        for name in ("events", "arrivals", "stocks", "occupancy"):
            values = ds[name].values
            mean = summary[name + "_mean"]
            quantile = summary[name + "_quantile"]
            assert mean.dims == ds[name].dims[1:], (name, mean.dims)
            assert quantile.dims == ("quantile",) + ds[name].dims[1:], (name, quantile.dims)
            np.testing.assert_array_equal(mean.values, values.mean(axis=0), name)
            np.testing.assert_array_equal(
                quantile.values, np.quantile(values, [0.05, 0.5, 0.95], axis=0), name)
        # Every axis labelled, times decoded, and selection by label works as in the root.
        assert summary["time"].dtype.kind == "M", summary["time"].dtype
        np.testing.assert_array_equal(summary["time"].values, ds["time"].values)
        assert list(summary["location_kind"].values) == ["border_crossing", "transit", "transit"]
        median = summary["events_quantile"].sel(quantile=0.5, event="repatriated", sex="male")
        np.testing.assert_array_equal(
            median.values,
            np.median(ds["events"].sel(event="repatriated", sex="male").values, axis=0))
        totals = ds["events"].sum(["time", "sex"])
        np.testing.assert_array_equal(
            summary["event_totals_quantile"].values,
            totals.quantile([0.05, 0.5, 0.95], dim="replicate").values)
        np.testing.assert_array_equal(
            summary["arrival_totals_mean"].sel(destination="Bangkok").item(),
            float(ds["arrivals"].sel(destination="Bangkok").sum(["time", "sex"]).mean()))


def check_no_routes(path):
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert ds.sizes["route"] == 0
        assert ds["route_flow"].dims == ("replicate", "route")
        assert ds["route_flow"].shape == (3, 0)
        np.testing.assert_array_equal(
            ds["events"].values, expected_values(1, tuple(SIZES[d] for d in COUNTERS["events"][1])))
    with xr.open_dataset(path, engine="h5netcdf", group="scenario") as scenario:
        assert scenario.sizes["set"] == 0


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    check_run(argv[1])
    check_no_routes(argv[2])
    print("xarray and h5netcdf read both files as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
