#!/usr/bin/env python3
"""The figure set of a calibration and its posterior predictive.

Usage:
    /usr/bin/python3 scripts/analysis/report.py CALIB.h5 PREDICT.h5 -o DIR [--year 2024] [--dpi N]
        [--variant NAME=VARIANT.h5]...

CALIB.h5 is a finished `tumen calibrate` file and PREDICT.h5 the `tumen predict` file drawn from
it (docs/calibration.md, "Posterior predictive"). DIR gets, each as PNG and SVG:

    arrivals        posterior predictive arrivals at the observed destinations and their female
                    share, by year: median, 50% and 90% bands, and the observed series
    posterior       the final generation's weighted marginals (diagonal) and pairs (below it),
                    each axis spanning the prior's range (or its central 99.8% for an unbounded
                    prior), the prior's bounds dashed
    hidden-stocks   people hiding abroad, detained abroad and imprisoned at home at each year's end
    breakdown-YEAR  the year's flows: medians with 50% and 90% intervals

and breakdown-YEAR.csv and breakdown-YEAR.md, the year's numbers as a table that docs can quote.
YEAR is --year, by default 2024 when the run covers it, else its last year.

Each --variant NAME=VARIANT.h5 names a `tumen predict --scenario` file of a policy variant drawn
from the same calibration with the same draws (docs/calibration.md, "Policy variants"); with
any, DIR also gets breakdown-YEAR-variants.csv and .md: the year's medians and 90% intervals of
the base and each variant, and for the quantities counted per replicate in the run datasets
(PAIRED) the median and 90% interval of the paired difference variant - base, replicate by
replicate.
"""
import argparse
import csv
import math
import os
import re
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of scripts/analysis

try:
    import h5py
    import numpy as np

    import tumen_io
    import tumen_plot
    from matplotlib.patches import Patch
    from tumen_plot import plt
except ImportError as missing:
    sys.exit(f"report.py: error: {missing}")

# The flows of the breakdown, in the order of a journey, with their labels.
FLOWS = (
    ("first_departures", "first departures"),
    ("departures", "departures (incl. re-attempts)"),
    ("border_crossings", "border crossings"),
    ("caught_at_border", "caught at the border"),
    ("arrests_in_china", "arrests in China"),
    ("arrests_in_third_countries", "arrests in third countries"),
    ("repatriated", "returned (repatriated)"),
    ("arrivals_observed_destinations", "arrivals (observed destinations)"),
    ("arrivals_elsewhere", "arrivals elsewhere"),
    ("deaths", "deaths"),
)
# Stocks at the end of the year, for the table.
STOCKS = (
    ("hiding_at_year_end", "hiding abroad at year end"),
    ("detained_at_year_end", "detained abroad at year end"),
    ("imprisoned_at_year_end", "imprisoned at home at year end"),
)
# The quantities whose paired differences the variants table gives: the event of /events each
# counts (summed over sex), or None for the arrivals at the observed destinations (/arrivals).
PAIRED = (
    ("first_departures", "first_departure"),
    ("departures", "departed"),
    ("border_crossings", "crossed_border"),
    ("caught_at_border", "caught_at_border"),
    ("repatriated", "repatriated"),
    ("arrivals_observed_destinations", None),
    ("deaths", "died"),
)
LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
BAND_COLOR = "#1f3b73"
OBSERVED_COLOR = "#d1495b"


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def read_calibration(path):
    """The final generation (names, particles, weights) and the priors of a calibration file."""
    _check_file(path)
    with h5py.File(path, "r") as f:
        if _text(f.attrs.get("format", "")) != "tumen-calibration":
            raise tumen_io.TumenError(f"{path}: not a tumen calibration file (no format attribute "
                                      "\"tumen-calibration\")")
        if "stop_reason" not in f.attrs:
            raise tumen_io.TumenError(f"{path}: the calibration is unfinished (no stop_reason)")
        generations = f.get("generation", {})
        groups = sorted(g for g in generations if "complete" in generations[g].attrs)
        if not groups:
            raise tumen_io.TumenError(f"{path}: the calibration has no complete generation")
        last = f["generation"][groups[-1]]
        return {
            "names": [_text(n) for n in f["parameter"][:]],
            "priors": [_text(p) for p in f["prior"][:]],
            "particles": last["particles"][:],
            "weights": last["weights"][:],
            "generation": int(groups[-1]),
            "tolerance": float(last.attrs["tolerance"]),
            "scenario_hash": _text(f.attrs["scenario_hash"]),
            "scenario_name": _text(f.attrs["scenario_name"]),
            "seed": int(f.attrs["seed"]),
        }


def read_predictive(path, calibration):
    """/predictive as {name: array [year, quantile]} plus its years and attributes."""
    _check_file(path)
    with h5py.File(path, "r") as f:
        if _text(f.attrs.get("format", "")) != "tumen" or "predictive" not in f:
            raise tumen_io.TumenError(f"{path}: not a tumen predict file (no /predictive group)")
        group = f["predictive"]
        if _text(group.attrs["calibration_scenario_hash"]) != calibration["scenario_hash"]:
            raise tumen_io.TumenError(
                f"{path}: was not drawn from this calibration (its base scenario differs)")
        if int(group.attrs["posterior_generation"]) != calibration["generation"]:
            raise tumen_io.TumenError(
                f"{path}: was drawn from generation {int(group.attrs['posterior_generation'])}, "
                f"but the calibration's final generation is {calibration['generation']}")
        if not np.allclose(group["quantile"][:], LEVELS):
            raise tumen_io.TumenError(f"{path}: /predictive/quantile is not {LEVELS}")
        data = {name: group[name][:] for name in group if name not in ("year", "quantile")}
        return {
            "years": group["year"][:].astype(int),
            "data": data,
            "replicates": int(group.attrs["replicates"]),
            "destinations": _text(group.attrs["observed_destinations"]),
            "seed": int(f.attrs["seed"]),
            "kind": _text(group.attrs.get("scenario_kind", "base")),
        }


def paired_values(path, predictive, year):
    """{quantity: per-replicate values in the year, in replicate order} for PAIRED, and the
    drawn parameters (/parameters) that pair the replicates of two files."""
    index = int(np.flatnonzero(predictive["years"] == year)[0])
    with h5py.File(path, "r") as f:
        order = np.argsort(f["replicate"][:])
        events = [_text(e) for e in f["event"][:]]
        counts = f["events"][:, index, :, :].sum(axis=-1)[order]  # [replicate, event]
        destinations = [_text(d) for d in f["destination"][:]]
        observed = [destinations.index(d.strip())
                    for d in predictive["destinations"].split(",") if d.strip()]
        arrivals = f["arrivals"][:, index, :, :].sum(axis=-1)[order][:, observed].sum(axis=1)
        values = {name: (arrivals if event is None else counts[:, events.index(event)])
                  for name, event in PAIRED}
        parameters = {name: f["parameters"][name][:] for name in f["parameters"]}
    return values, parameters


def _check_file(path):
    if not os.path.exists(path):
        raise tumen_io.TumenError(f"{path}: no such file")
    if not h5py.is_hdf5(path):
        raise tumen_io.TumenError(f"{path}: not an HDF5 file")


def prior_range(prior):
    """(low, high) of the region a prior's axis shows, and whether each end is a hard bound."""
    match = re.fullmatch(r"(\w+)\((.*)\)", prior)
    if not match:
        raise tumen_io.TumenError(f"cannot read the prior '{prior}'")
    kind, numbers = match.group(1), [float(x) for x in match.group(2).split(",")]
    if kind in ("uniform", "log_uniform"):
        return numbers[0], numbers[1], True, True
    mean, sd = numbers[0], numbers[1]
    low, high = mean - 3.09 * sd, mean + 3.09 * sd  # the central 99.8% of the normal
    if kind == "truncated_normal":
        bounded_low, bounded_high = math.isfinite(numbers[2]), math.isfinite(numbers[3])
        return (numbers[2] if bounded_low else low, numbers[3] if bounded_high else high,
                bounded_low, bounded_high)
    return low, high, False, False


def padded(low, high):
    """An axis range a little wider than [low, high], so that lines at the bounds show."""
    pad = 0.03 * (high - low)
    return low - pad, high + pad


def band_plot(ax, years, quantiles, label, color=BAND_COLOR):
    """Median line with the 50% (darker) and 90% (lighter) bands of a [year, quantile] array."""
    ax.fill_between(years, quantiles[:, 0], quantiles[:, 4], color=color, alpha=0.15,
                    linewidth=0, label=f"{label}: 90% interval")
    ax.fill_between(years, quantiles[:, 1], quantiles[:, 3], color=color, alpha=0.35,
                    linewidth=0, label=f"{label}: 50% interval")
    ax.plot(years, quantiles[:, 2], color=color, linewidth=1.8, label=f"{label}: median")


def figure_arrivals(predictive, calibration, prefix, dpi):
    years, data = predictive["years"], predictive["data"]
    fig, (total, share) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    band_plot(total, years, data["arrivals_observed_destinations"], "simulated")
    observed = data["observed_arrivals"]
    total.plot(years, observed, "o", color=OBSERVED_COLOR, label="observed")
    total.set_ylabel("arrivals per year")
    total.set_title(f"Posterior predictive arrivals at {predictive['destinations']} "
                    f"({predictive['replicates']} draws, generation {calibration['generation']})")
    total.set_ylim(bottom=0)
    total.legend(fontsize=7)
    band_plot(share, years, data["female_share_observed_destinations"], "simulated")
    share.plot(years, data["observed_female_share"], "o", color=OBSERVED_COLOR, label="observed")
    share.set_ylabel("female share of arrivals")
    share.set_xlabel("year")
    share.set_ylim(0, 1)
    share.legend(fontsize=7)
    tumen_plot.save(fig, prefix, dpi)


def figure_posterior(calibration, prefix, dpi):
    names, particles = calibration["names"], calibration["particles"]
    weights = calibration["weights"]
    k = len(names)
    ranges = [prior_range(p) for p in calibration["priors"]]
    size = max(4.5, 2.8 * k)
    fig, axes = plt.subplots(k, k, figsize=(size, size), squeeze=False)
    order = np.argsort(weights)  # the heaviest particles drawn last, on top
    for row in range(k):
        for col in range(k):
            ax = axes[row][col]
            if col > row:
                ax.axis("off")
                continue
            low_x, high_x, hard_low_x, hard_high_x = ranges[col]
            if row == col:
                ax.hist(particles[:, col], bins=20, range=(low_x, high_x), weights=weights,
                        color=BAND_COLOR, alpha=0.8)
                ax.set_yticks([])
                ax.set_title(f"{names[col]}\nprior {calibration['priors'][col]}", fontsize=8)
            else:
                low_y, high_y, hard_low_y, hard_high_y = ranges[row]
                ax.scatter(particles[order, col], particles[order, row],
                           s=8 + 200 * weights[order] / weights.max(), c=weights[order],
                           cmap="viridis", alpha=0.8, linewidths=0)
                ax.set_ylim(*padded(low_y, high_y))
                for bound, hard in ((low_y, hard_low_y), (high_y, hard_high_y)):
                    if hard:
                        ax.axhline(bound, color="grey", linestyle="--", linewidth=0.8)
                if col == 0:
                    ax.set_ylabel(names[row], fontsize=8)
            ax.set_xlim(*padded(low_x, high_x))
            for bound, hard in ((low_x, hard_low_x), (high_x, hard_high_x)):
                if hard:
                    ax.axvline(bound, color="grey", linestyle="--", linewidth=0.8)
            if row == k - 1:
                ax.set_xlabel(names[col], fontsize=8)
    fig.suptitle(f"Posterior of {calibration['scenario_name']}: generation "
                 f"{calibration['generation']}, tolerance {calibration['tolerance']:.4g}\n"
                 "(weighted; the axes span the prior, its bounds dashed)", fontsize=10)
    fig.tight_layout()
    tumen_plot.save(fig, prefix, dpi)


def figure_stocks(predictive, prefix, dpi):
    years, data = predictive["years"], predictive["data"]
    fig, ax = plt.subplots(figsize=(8, 5))
    for (name, label), color in zip(STOCKS, ("#1f3b73", "#d1495b", "#2a9d8f")):
        q = data[name]
        ax.fill_between(years, q[:, 0], q[:, 4], color=color, alpha=0.15, linewidth=0)
        ax.fill_between(years, q[:, 1], q[:, 3], color=color, alpha=0.35, linewidth=0)
        ax.plot(years, q[:, 2], color=color, linewidth=1.8, label=label)
    handles, labels = ax.get_legend_handles_labels()
    handles += [Patch(facecolor="grey", alpha=0.45, linewidth=0),
                Patch(facecolor="grey", alpha=0.15, linewidth=0)]
    labels += ["50% interval", "90% interval"]
    ax.legend(handles, labels, fontsize=7, ncol=3, loc="upper center",
              bbox_to_anchor=(0.5, -0.13))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel("people at the end of the year")
    ax.set_title("Hidden stocks (posterior predictive: medians and intervals)")
    fig.tight_layout()
    tumen_plot.save(fig, prefix, dpi)


def breakdown_rows(predictive, year):
    index = int(np.flatnonzero(predictive["years"] == year)[0])
    rows = []
    for name, label in FLOWS + STOCKS:
        q = predictive["data"][name][index]
        rows.append((name, label, *q))
    observed = predictive["data"]["observed_arrivals"][index]
    return rows, observed


def figure_breakdown(predictive, year, prefix, dpi):
    rows, observed = breakdown_rows(predictive, year)
    flows = [r for r in rows if r[0] in dict(FLOWS)]
    fig, ax = plt.subplots(figsize=(8, 5))
    y = np.arange(len(flows))[::-1]
    medians = np.array([r[4] for r in flows])
    ax.barh(y, medians, color=BAND_COLOR, alpha=0.6, label="median")
    ax.errorbar(medians, y, xerr=[medians - [r[2] for r in flows], [r[6] for r in flows] - medians],
                fmt="none", ecolor="black", elinewidth=0.8, capsize=3, label="90% interval")
    ax.errorbar(medians, y, xerr=[medians - [r[3] for r in flows], [r[5] for r in flows] - medians],
                fmt="none", ecolor="black", elinewidth=2.5, label="50% interval")
    if not math.isnan(observed):
        arrivals_row = [r[0] for r in flows].index("arrivals_observed_destinations")
        ax.plot([observed], [y[arrivals_row]], "D", color=OBSERVED_COLOR, label="observed arrivals")
    ax.set_yticks(y)
    ax.set_yticklabels([r[1] for r in flows])
    ax.set_xlabel(f"people in {year}")
    ax.set_title(f"{year}: posterior predictive flows ({predictive['replicates']} draws)")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    tumen_plot.save(fig, prefix, dpi)


def write_tables(predictive, calibration, year, prefix):
    rows, observed = breakdown_rows(predictive, year)
    header = ["quantity", "description", "median", "p5", "p25", "p75", "p95"]
    with open(f"{prefix}.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for name, label, p5, p25, p50, p75, p95 in rows:
            writer.writerow([name, label, repr(float(p50)), repr(float(p5)), repr(float(p25)),
                             repr(float(p75)), repr(float(p95))])
    print(f"wrote {prefix}.csv")
    with open(f"{prefix}.md", "w") as f:
        f.write(f"Posterior predictive for {year}: {predictive['replicates']} draws from "
                f"generation {calibration['generation']} of the calibration of "
                f"{calibration['scenario_name']} (calibration seed {calibration['seed']}, "
                f"predict seed {predictive['seed']}).\n\n")
        f.write("| quantity | median | 50% interval | 90% interval |\n|---|---:|---:|---:|\n")
        for _, label, p5, p25, p50, p75, p95 in rows:
            f.write(f"| {label} | {p50:,.0f} | {p25:,.0f}–{p75:,.0f} "
                    f"| {p5:,.0f}–{p95:,.0f} |\n")
        if not math.isnan(observed):
            f.write(f"\nObserved arrivals at {predictive['destinations']} in {year}: "
                    f"{observed:,.0f}.\n")
    print(f"wrote {prefix}.md")


def read_variant(spec, base_path, predictive, calibration, year):
    """NAME=VARIANT.h5: the variant's /predictive and its paired differences from the base."""
    name, sep, path = spec.partition("=")
    if not sep or not name or not path:
        raise tumen_io.TumenError(f"--variant expects NAME=VARIANT.h5, found '{spec}'")
    variant = read_predictive(path, calibration)
    if variant["kind"] != "variant":
        raise tumen_io.TumenError(f"{path}: not a policy variant's predict file (its /predictive "
                                  "says scenario_kind = \"" + variant["kind"] + "\"); make it with "
                                  "tumen predict --scenario VARIANT.toml")
    if year not in variant["years"]:
        raise tumen_io.TumenError(f"{path}: has no year {year}")
    base_values, base_parameters = paired_values(base_path, predictive, year)
    values, parameters = paired_values(path, variant, year)
    same_draws = (variant["seed"] == predictive["seed"] and
                  variant["replicates"] == predictive["replicates"] and
                  parameters.keys() == base_parameters.keys() and
                  all(np.array_equal(parameters[k], base_parameters[k]) for k in parameters))
    if not same_draws:
        raise tumen_io.TumenError(f"{path}: not paired with {base_path}: its draws differ (run "
                                  "both with the same -r and --seed)")
    differences = {k: np.quantile((values[k] - base_values[k]).astype(float), (0.05, 0.5, 0.95))
                   for k in values}
    return name, variant, differences


def write_variant_tables(predictive, variants, year, prefix):
    base_rows = breakdown_rows(predictive, year)[0]
    scenarios = [("base", predictive, None)] + list(variants)
    header = ["scenario", "quantity", "description", "median", "p5", "p95", "difference_median",
              "difference_p5", "difference_p95"]
    table = []
    for label, data, differences in scenarios:
        rows = breakdown_rows(data, year)[0]
        for name, description, p5, _, p50, _, p95 in rows:
            d = differences.get(name) if differences else None
            table.append((label, name, description, p50, p5, p95, d))
    with open(f"{prefix}.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for label, name, description, p50, p5, p95, d in table:
            paired = ["", "", ""] if d is None else [repr(float(d[1])), repr(float(d[0])),
                                                     repr(float(d[2]))]
            writer.writerow([label, name, description, repr(float(p50)), repr(float(p5)),
                             repr(float(p95)), *paired])
    print(f"wrote {prefix}.csv")
    with open(f"{prefix}.md", "w") as f:
        f.write(f"Posterior predictive for {year} under the policy variants: "
                f"{predictive['replicates']} draws, the same in every scenario (seed "
                f"{predictive['seed']}); the difference is variant minus base, replicate by "
                "replicate (median and 90% interval).\n\n")
        f.write("| quantity | scenario | median | 90% interval | paired difference | "
                "its 90% interval |\n|---|---|---:|---:|---:|---:|\n")
        for name, description, *_ in base_rows:
            for label, quantity, _, p50, p5, p95, d in table:
                if quantity != name:
                    continue
                paired = "| | " if d is None else f"| {d[1]:+,.0f} | {d[0]:+,.0f} to {d[2]:+,.0f} "
                f.write(f"| {description} | {label} | {p50:,.0f} | {p5:,.0f}–{p95:,.0f} "
                        f"{paired}|\n")
    print(f"wrote {prefix}.md")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("calibration", help="a finished tumen calibrate file")
    p.add_argument("predict", help="the tumen predict file drawn from it")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the figures")
    p.add_argument("--year", type=int, help="the year of the breakdown (default: 2024 if "
                   "covered, else the last year)")
    p.add_argument("--dpi", type=int, default=100, help="PNG resolution (default: 100)")
    p.add_argument("--variant", action="append", default=[], metavar="NAME=VARIANT.h5",
                   help="a tumen predict --scenario file of a policy variant with the same draws; "
                   "adds breakdown-YEAR-variants.csv/.md (repeatable)")
    args = p.parse_args()
    calibration = read_calibration(args.calibration)
    predictive = read_predictive(args.predict, calibration)
    years = predictive["years"]
    year = args.year if args.year is not None else (2024 if 2024 in years else int(years[-1]))
    if year not in years:
        raise tumen_io.TumenError(f"{args.predict}: has no year {year} (it covers "
                                  f"{years[0]}-{years[-1]})")
    variants = [read_variant(spec, args.predict, predictive, calibration, year)
                for spec in args.variant]
    os.makedirs(args.output, exist_ok=True)
    out = lambda name: os.path.join(args.output, name)  # noqa: E731
    figure_arrivals(predictive, calibration, out("arrivals"), args.dpi)
    figure_posterior(calibration, out("posterior"), args.dpi)
    figure_stocks(predictive, out("hidden-stocks"), args.dpi)
    figure_breakdown(predictive, year, out(f"breakdown-{year}"), args.dpi)
    write_tables(predictive, calibration, year, out(f"breakdown-{year}"))
    if variants:
        write_variant_tables(predictive, variants, year, out(f"breakdown-{year}-variants"))
    return 0


if __name__ == "__main__":
    sys.exit(tumen_plot.main_wrapper(main))
