#!/usr/bin/env python3
"""Two or more runs side by side, such as a baseline against its variants.

    /usr/bin/python3 scripts/analysis/compare.py base.h5 crackdown.h5 --labels baseline crackdown

Top: yearly arrivals (all destinations, both sexes), the median and 90% band of each file.
Below: the headline totals over the run (departures, border crossings, arrests, repatriations,
arrivals, deaths) per file, as the median with a 90% interval, one panel each so that small
totals (deaths) are not flattened by large ones (departures).
"""
import argparse
import os
import sys

try:
    import tumen_plot
except ImportError as missing:
    sys.exit(f"{os.path.basename(sys.argv[0])}: error: {missing}")
from matplotlib.ticker import MaxNLocator  # noqa: E402  (after the Agg switch in tumen_plot)
from tumen_plot import np, plt, tumen_io  # noqa: E402

# (panel title, events summed into it). Events a file lacks are left out of its sum.
HEADLINES = [
    ("departures (all attempts)", ["departed"]),
    ("border crossings", ["crossed_border"]),
    ("arrests", ["caught_at_border", "arrested_in_transit", "arrested_in_third_country"]),
    ("repatriations", ["repatriated"]),
    ("arrivals", ["arrived"]),
    ("deaths", ["died"]),
]
FILE_COLORS = ["#1f3b73", "#d1495b", "#2a9d8f", "#edae49", "#8d6a9f", "#6c757d", "#00798c"]


def labels_for(paths, datasets, given):
    """The legend label of each file: as given, else its scenario name, else its file name.

    Variants of one scenario usually share the scenario name, so duplicates fall back to the
    file name (without .h5), which the user chose.
    """
    if given:
        return list(given)
    names = [ds.attrs.get("scenario_name") or "" for ds in datasets]
    if all(names) and len(set(names)) == len(names):
        return names
    stems = [os.path.basename(tumen_plot.strip_extension(p)) for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    return [f"{stem} ({i + 1})" for i, stem in enumerate(stems)]


def headline_totals(ds):
    """{headline: per-replicate total over the run}, from /events summed over time and sex."""
    totals = ds["events"].sum(["time", "sex"])
    names = set(str(e) for e in ds["event"].values)
    result = {}
    for title, events in HEADLINES:
        present = [e for e in events if e in names]
        result[title] = totals.sel(event=present).sum("event") if present else None
    return result


def plot(paths, datasets, labels):
    fig = plt.figure(figsize=(12, 9.5), layout="constrained")
    grid = fig.add_gridspec(3, 3, height_ratios=[1.3, 1, 1])
    arrivals_ax = fig.add_subplot(grid[0, :])
    bar_axes = [fig.add_subplot(grid[1 + i // 3, i % 3]) for i in range(len(HEADLINES))]
    colours = [FILE_COLORS[i % len(FILE_COLORS)] for i in range(len(datasets))]

    for path, ds, label, colour in zip(paths, datasets, labels, colours):
        per_year = tumen_io.yearly(ds, ds["arrivals"].sum(["destination", "sex"]))
        per_year = tumen_plot.complete_years(per_year, path)
        count = ds.sizes["replicate"]
        tumen_plot.draw_band(arrivals_ax, per_year["year"].values, per_year, colour,
                             f"{label} ({count} replicates)")
    arrivals_ax.set_title("yearly arrivals, all destinations")
    arrivals_ax.set_xlabel("year")
    arrivals_ax.set_ylabel("arrivals (people per year)")
    arrivals_ax.set_ylim(bottom=0)
    arrivals_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    arrivals_ax.grid(alpha=0.3)
    tumen_plot.legend_with_band(arrivals_ax, loc="best", framealpha=0.9)

    totals = [headline_totals(ds) for ds in datasets]
    for ax, (title, _) in zip(bar_axes, HEADLINES):
        draw_headline(ax, title, [t[title] for t in totals], labels, colours)
    spans = sorted({f"{ds.attrs.get('start_date')} to {ds.attrs.get('end_date')}"
                    for ds in datasets})
    fig.suptitle(f"Comparison of {len(datasets)} runs ({'; '.join(spans)})\n"
                 "lines and shading: median and 90% band across replicates; bars: median total "
                 "over the run, whiskers: 5th-95th percentile", fontsize=11)
    return fig


def draw_headline(ax, title, per_file, labels, colours):
    """One headline: a bar per file at the median, whiskers from the 5th to the 95th percentile."""
    positions = np.arange(len(per_file))
    for x, totals, colour in zip(positions, per_file, colours):
        if totals is None:
            ax.text(x, 0, "not in file", rotation=90, ha="center", va="bottom", fontsize=8)
            continue
        low, median, high = tumen_io.percentiles(totals).values
        ax.bar(x, median, color=colour, alpha=0.8, width=0.7)
        ax.errorbar(x, median, yerr=[[median - low], [high - median]], color="black",
                    capsize=4, linewidth=1)
        ax.annotate(f"{median:,.0f}", (x, high), textcoords="offset points", xytext=(0, 3),
                    ha="center", fontsize=8)
    ax.set_title(title)
    ax.set_xticks(positions, labels, rotation=20 if len(labels) > 2 else 0, ha="right"
                  if len(labels) > 2 else "center")
    ax.set_ylabel("events over the run")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.12)
    ax.grid(alpha=0.3, axis="y")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", metavar="FILE", help="two or more tumen output files")
    p.add_argument("--labels", nargs="+", metavar="LABEL",
                   help="one legend label per file (default: scenario names, else file names)")
    p.add_argument("-o", "--output", metavar="PREFIX",
                   help="write PREFIX.png and PREFIX.svg (default: the first file's name without "
                        ".h5, plus -compare)")
    p.add_argument("--dpi", type=int, default=100, help="PNG resolution (default: 100)")
    args = p.parse_args()
    if len(args.files) < 2:
        p.error("give two or more files to compare")
    if args.labels and len(args.labels) != len(args.files):
        p.error(f"--labels: {len(args.labels)} labels for {len(args.files)} files")
    datasets = [tumen_plot.load(path, needs=["arrivals", "events"]) for path in args.files]
    labels = labels_for(args.files, datasets, args.labels)
    fig = plot(args.files, datasets, labels)
    prefix = args.output or tumen_plot.default_prefix(args.files[0], "compare")
    tumen_plot.save(fig, prefix, args.dpi)
    return 0


if __name__ == "__main__":
    sys.exit(tumen_plot.main_wrapper(main))
