#!/usr/bin/env python3
"""Yearly arrivals by destination and sex, with a 90% band across replicates.

    /usr/bin/python3 scripts/analysis/plot_arrivals.py out/demo.h5
    /usr/bin/python3 scripts/analysis/plot_arrivals.py korea.h5 \\
        --observed scenarios/korea/observed/arrivals.csv -o out/korea-arrivals

One panel per destination: the median and the 5th-95th percentile band of the total and of each
sex. --observed overlays an observed annual series (a CSV with columns year,total,male,female;
blank cells are missing values, not zeros) as points on the South Korea panel, which is the
check that matters: the only solid data on this system are annual arrivals in South Korea.
"""
import csv
import math
import os
import sys

try:
    import tumen_plot
except ImportError as missing:
    sys.exit(f"{os.path.basename(sys.argv[0])}: error: {missing}")
from matplotlib.ticker import MaxNLocator  # noqa: E402  (after the Agg switch in tumen_plot)
from tumen_plot import np, plt, tumen_io  # noqa: E402

OBSERVED_SERIES = ("total", "female", "male")


def read_observed(path):
    """Read an observed annual series: year plus any of total, female, male.

    Returns (years, {series: values}) with NaN for blank cells: a blank is an unknown value,
    and plotting it as zero would invent a collapse in arrivals. Other columns (e.g. a source
    note) are ignored.
    """
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else []
    except OSError as error:
        raise tumen_io.TumenError(f"{path}: cannot read: {error.strerror or error}") from None
    if "year" not in header:
        raise tumen_io.TumenError(
            f"{path}: expected a 'year' column and one of total, female, male "
            f"(found: {', '.join(header) or 'no header or no rows'})")
    series = [name for name in OBSERVED_SERIES if name in header]
    if not series:
        raise tumen_io.TumenError(
            f"{path}: expected a total, female or male column (found: {', '.join(header)})")
    years, values = [], {name: [] for name in series}
    for line, row in enumerate(rows, start=2):
        years.append(_number(path, line, "year", row["year"], allow_blank=False))
        for name in series:
            values[name].append(_number(path, line, name, row[name]))
    return np.array(years, dtype=int), {k: np.array(v, dtype=float) for k, v in values.items()}


def _number(path, line, column, text, allow_blank=True):
    text = (text or "").strip()
    if not text and allow_blank:
        return math.nan
    try:
        return float(text) if allow_blank else int(text)
    except ValueError:
        expected = "a number or a blank cell" if allow_blank else "a whole year"
        raise tumen_io.TumenError(
            f"{path}:{line}: column '{column}': expected {expected}, found '{text}'") from None


def observed_destination(ds, requested):
    """The destination the observed series belongs to: as requested, else South Korea.

    South Korea is found as the destination place in country KR, so a scenario that names the
    place differently still gets the overlay.
    """
    destinations = [str(d) for d in ds["destination"].values]
    if requested is not None:
        if requested not in destinations:
            raise tumen_io.TumenError(
                f"no destination {requested!r} (destinations: {', '.join(destinations)})")
        return requested
    if "location_country" in ds.coords:
        country = dict(zip(ds["location"].values, ds["location_country"].values))
        for name in destinations:
            if country.get(name) == "KR":
                return name
    if "South Korea" in destinations:
        return "South Korea"
    raise tumen_io.TumenError(
        "no destination in South Korea (KR) for the observed series; "
        f"name one with --observed-destination (destinations: {', '.join(destinations)})")


def overlay_observed(ax, observed, observed_path, years):
    """Observed points, limited to the simulated years (a note on stderr says what was left out)."""
    observed_years, series = observed
    inside = (observed_years >= years.min()) & (observed_years <= years.max())
    outside = int((~inside).sum())
    if outside:
        print(f"{observed_path}: note: {outside} of {len(observed_years)} observed years lie "
              f"outside the simulated {years.min()}-{years.max()} and are not shown",
              file=sys.stderr)
    name = os.path.basename(observed_path)
    for key, values in series.items():
        shown = inside & ~np.isnan(values)
        if shown.any():
            ax.plot(observed_years[shown], values[shown], "o", markersize=5,
                    color=tumen_plot.SEX_COLORS.get(key, "black"), markeredgecolor="black",
                    markeredgewidth=0.7, label=f"observed {key}", zorder=5)
    ax.set_title(f"{ax.get_title()}\n(points: observed, {name})")


def plot(ds, path, observed=None, observed_path=None, destination_for_observed=None):
    """The figure: one panel per destination, total and each sex as median line and band."""
    per_year = tumen_plot.complete_years(tumen_io.yearly(ds, "arrivals"), path)
    years = per_year["year"].values
    destinations = [str(d) for d in per_year["destination"].values]
    columns = min(len(destinations), 3)
    rows = math.ceil(len(destinations) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5.4 * columns, 4.2 * rows), squeeze=False,
                             layout="constrained")
    for ax, destination in zip(axes.flat, destinations):
        by_sex = per_year.sel(destination=destination)
        tumen_plot.draw_band(ax, years, by_sex.sum("sex"), tumen_plot.SEX_COLORS["total"], "total")
        for sex in by_sex["sex"].values:
            tumen_plot.draw_band(ax, years, by_sex.sel(sex=sex),
                                 tumen_plot.SEX_COLORS.get(str(sex), "grey"), str(sex))
        ax.set_title(f"arrivals in {destination}")
        if observed is not None and destination == destination_for_observed:
            overlay_observed(ax, observed, observed_path, years)
        ax.set_xlabel("year")
        ax.set_ylabel("arrivals (people per year)")
        ax.set_ylim(0, ax.get_ylim()[1] * 1.45)  # headroom, so the legend hides no data
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        tumen_plot.legend_with_band(ax, loc="upper left", ncol=2, framealpha=0.9)
    for ax in axes.flat[len(destinations):]:
        ax.set_visible(False)
    fig.suptitle(f"Yearly arrivals by destination and sex\n{tumen_plot.run_label(ds)}; "
                 f"lines and shading: {tumen_plot.BAND_LABEL}", fontsize=11)
    return fig


def main():
    p = tumen_plot.parser(__doc__.splitlines()[0], "arrivals")
    p.add_argument("--observed", metavar="CSV",
                   help="observed annual arrivals: columns year,total,male,female (blank = "
                        "missing), drawn as points on the South Korea panel")
    p.add_argument("--observed-destination", metavar="NAME",
                   help="the destination panel for --observed (default: the one in country KR)")
    args = p.parse_args()
    ds = tumen_plot.load(args.file, args.point, needs=["arrivals"])
    observed = read_observed(args.observed) if args.observed else None
    target = observed_destination(ds, args.observed_destination) if observed else None
    fig = plot(ds, args.file, observed, args.observed, target)
    tumen_plot.save(fig, args.output or tumen_plot.default_prefix(args.file, "arrivals"), args.dpi)
    return 0


if __name__ == "__main__":
    sys.exit(tumen_plot.main_wrapper(main))
