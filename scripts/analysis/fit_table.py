#!/usr/bin/env python3
"""Compare a tumen run of the Korea baseline with the observed arrivals in South Korea.

Usage: /usr/bin/python3 scripts/analysis/fit_table.py OUTPUT.h5 [--markdown] [--diagnostics]
       [--observed CSV]

Prints, per calendar year: the observed arrivals (by default scenarios/korea/observed/arrivals.csv), the simulated mean over
replicates, the 5-95% range across replicates, the error of the mean in per cent, and the share
of women (observed and simulated mean). Blank sex cells in the observed file (1998-2001) are
missing, not zero, and are shown as "-". Needs h5py, numpy and xarray with h5netcdf (Debian's
/usr/bin/python3 has them).
"""
import csv
import os
import sys

import numpy as np
import xarray as xr

HERE = os.path.dirname(os.path.abspath(__file__))
OBSERVED = os.path.join(HERE, "..", "..", "scenarios", "korea", "observed", "arrivals.csv")


def read_observed(path=OBSERVED):
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            def num(s):
                s = s.strip()
                return float(s) if s else float("nan")  # blank = missing, not zero
            rows[int(r["year"])] = (num(r["total"]), num(r["male"]), num(r["female"]))
    return rows


def main():
    observed = OBSERVED
    if "--observed" in sys.argv:
        i = sys.argv.index("--observed")
        if i + 1 >= len(sys.argv):
            sys.exit(__doc__)
        observed = sys.argv[i + 1]
        del sys.argv[i:i + 2]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in sys.argv
    diagnostics = "--diagnostics" in sys.argv
    if len(args) != 1:
        sys.exit(__doc__)
    d = xr.open_dataset(args[0], engine="h5netcdf")
    a = d.arrivals.sel(destination="South Korea").groupby("time.year").sum()  # [replicate, year, sex]
    total = a.sum("sex")
    female = a.sel(sex="female")
    obs = read_observed(observed)
    nrep = d.sizes["replicate"]

    header = ["year", "observed", "sim mean", "sim 5-95%", "error %", "obs F%", "sim F%"]
    lines = []
    errs = []
    for y in sorted(obs):
        if y not in total.year.values:
            continue
        t = total.sel(year=y).values.astype(float)
        f = female.sel(year=y).values.astype(float)
        o, om, of = obs[y]
        m = t.mean()
        lo, hi = np.percentile(t, [5, 95])
        err = 100.0 * (m - o) / o
        errs.append(err)
        ofs = "-" if np.isnan(of) else f"{100 * of / o:.0f}"
        sfs = f"{100 * f.sum() / t.sum():.0f}" if t.sum() > 0 else "-"
        lines.append([str(y), f"{o:.0f}", f"{m:.0f}", f"{lo:.0f}-{hi:.0f}", f"{err:+.0f}", ofs, sfs])
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---:" for _ in header) + "|")
        for l in lines:
            print("| " + " | ".join(l) + " |")
    else:
        print(f"{'':>0}" + "".join(f"{h:>11}" for h in header))
        for l in lines:
            print("".join(f"{c:>11}" for c in l))
    errs = np.array(errs)
    print(f"\nreplicates {nrep}; mean absolute error {np.mean(np.abs(errs)):.0f}%, "
          f"median {np.median(np.abs(errs)):.0f}%; "
          f"observed total {sum(obs[y][0] for y in obs):.0f}, "
          f"simulated total {float(total.sum('year').mean()):.0f}")

    if diagnostics:
        ev = d.events.sum("sex").groupby("time.year").sum().mean("replicate")
        st = d.stocks.sum("sex").mean("replicate")
        hid = st.sel(state="hiding").groupby("time.year").last()
        det = st.sel(state="detained").groupby("time.year").last()
        names = ["first_departure", "sponsored_departure", "crossed_border", "caught_at_border",
                 "arrested_in_transit", "arrested_in_third_country", "repatriated", "broker_hired",
                 "broker_refused", "arrived", "died"]
        short = ["first", "spons", "crossed", "caughtB", "arrCN", "arr3rd", "repat", "hired",
                 "refused", "arrived", "died"]
        print("\nyear" + "".join(f"{s:>9}" for s in short) + f"{'hiding':>9}{'detain':>9}")
        for y in ev.year.values:
            row = [ev.sel(year=y, event=n).item() for n in names]
            print(f"{y}" + "".join(f"{v:9.0f}" for v in row)
                  + f"{hid.sel(year=y).item():9.0f}{det.sel(year=y).item():9.0f}")
        rf = d.route_flow.mean("replicate") if "route_flow" in d else None
        if rf is not None:
            print("\nroute flow (mean per replicate, whole run)")
            for r in rf.route.values:
                v = rf.sel(route=r).item()
                if v > 0:
                    print(f"  {r:35s}{v:10.0f}")


if __name__ == "__main__":
    main()
