#!/usr/bin/env python3
"""The stocks over time: how many people are in each state, and abroad by country.

    /usr/bin/python3 scripts/analysis/plot_stocks.py out/demo.h5

One panel per state of /stocks (travelling, hiding, detained, imprisoned, back home, arrived,
dead): the median and 90% band across replicates of both sexes together, and the median of
each sex. A last panel, from /occupancy, shows the living people present abroad in each country
outside the home country and the destinations (China first of all). Values are snapshots at the
end of each output period; arrived and dead are cumulative.
"""
import math
import os
import sys

try:
    import tumen_plot
except ImportError as missing:
    sys.exit(f"{os.path.basename(sys.argv[0])}: error: {missing}")
import matplotlib.dates as mdates  # noqa: E402  (after the Agg switch in tumen_plot)
from tumen_plot import np, plt  # noqa: E402

STATE_TITLES = {
    "at_home": "at home, not left yet",
    "travelling": "travelling (on a route or between hops)",
    "hiding": "hiding abroad",
    "detained": "detained abroad, awaiting return",
    "imprisoned": "imprisoned in North Korea",
    "back_home": "back home (may try again)",
    "arrived": "arrived at a destination (cumulative)",
    "dead": "dead (cumulative)",
}
# ISO 3166 codes of the countries on the routes out of North Korea; others show their code.
COUNTRY_NAMES = {
    "CN": "China", "MN": "Mongolia", "LA": "Laos", "VN": "Vietnam", "KH": "Cambodia",
    "TH": "Thailand", "MM": "Myanmar", "RU": "Russia", "KR": "South Korea", "KP": "North Korea",
    "JP": "Japan", "US": "United States", "GB": "United Kingdom",
}
COUNTRY_COLORS = ["#d1495b", "#edae49", "#66a182", "#00798c", "#8d6a9f", "#6c757d", "#2e4057"]


def abroad_by_country(ds):
    """Occupancy summed over the places of each foreign transit or third country.

    The home country is the country of the origin places; destinations are left out, since
    arrived people stay there for good and would swamp the people still on the way.
    """
    kinds = ds["location_kind"].values
    countries = ds["location_country"].values
    home = {c for c, k in zip(countries, kinds) if k == "origin"}
    abroad = [(i, c) for i, (c, k) in enumerate(zip(countries, kinds))
              if c not in home and k != "destination"]
    by_country = {}
    for country in dict.fromkeys(c for _, c in abroad):
        indices = [i for i, c in abroad if c == country]
        name = COUNTRY_NAMES.get(str(country), str(country))
        by_country[name] = ds["occupancy"].isel(location=indices).sum("location")
    largest_first = sorted(by_country, key=lambda c: -float(by_country[c].max()))
    return {c: by_country[c] for c in largest_first}


def format_dates(ax):
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def period_ends(ds):
    """The last day of each output period: stocks are snapshots taken then, not at its start."""
    starts = ds["time"].values
    one_day = np.timedelta64(1, "D")
    run_end = np.datetime64(ds.attrs["end_date"]) if "end_date" in ds.attrs else starts[-1]
    return np.append(starts[1:] - one_day, run_end).astype("datetime64[ns]")


def plot(ds):
    times = period_ends(ds)
    # A state nobody is ever in (at_home outside whole-population mode) gets no panel.
    ever = ds["stocks"].max(["replicate", "time", "sex"]).values > 0
    states = [str(s) for s, used in zip(ds["stocks"]["state"].values, ever) if used]
    never = [str(s) for s, used in zip(ds["stocks"]["state"].values, ever) if not used]
    has_occupancy = "occupancy" in ds and "location_country" in ds.coords
    panels = len(states) + (1 if has_occupancy else 0)
    columns = 2
    rows = math.ceil(panels / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(11, 2.7 * rows + 0.8), squeeze=False,
                             sharex=True, layout="constrained")
    period = ds.attrs.get("period", "period")
    for ax, state in zip(axes.flat, states):
        by_sex = ds["stocks"].sel(state=state)
        tumen_plot.draw_band(ax, times, by_sex.sum("sex"), tumen_plot.SEX_COLORS["total"], "total")
        for sex in by_sex["sex"].values:
            tumen_plot.draw_band(ax, times, by_sex.sel(sex=sex),
                                 tumen_plot.SEX_COLORS.get(str(sex), "grey"),
                                 f"{sex} (median)", band=False)
        ax.set_title(STATE_TITLES.get(state, state))
    if has_occupancy:
        ax = axes.flat[len(states)]
        for colour, (country, people) in zip(COUNTRY_COLORS * 3, abroad_by_country(ds).items()):
            tumen_plot.draw_band(ax, times, people, colour, country)
        ax.set_title("present abroad, by country (transit and third countries)")
        ax.legend(loc="upper left", ncol=2, title="country", framealpha=0.9)
    for ax in axes.flat[:panels]:
        ax.set_ylabel("people")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        format_dates(ax)
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    for ax in (axes.flat[0], axes.flat[len(states)] if has_occupancy else None):
        if ax is not None:
            ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # headroom, so the legend hides no data
    tumen_plot.legend_with_band(axes.flat[0], loc="upper left", framealpha=0.9)
    for ax in axes[-1]:
        ax.set_xlabel(f"date (last day of each {period})")
        ax.xaxis.set_tick_params(labelbottom=True)
    empty = f"; always 0, not shown: {', '.join(never)}" if never else ""
    fig.suptitle(f"Stocks: people in each state at the end of each {period}{empty}\n"
                 f"{tumen_plot.run_label(ds)}; lines and shading: {tumen_plot.BAND_LABEL}",
                 fontsize=11)
    return fig


def main():
    p = tumen_plot.parser(__doc__.splitlines()[0], "stocks")
    args = p.parse_args()
    ds = tumen_plot.load(args.file, args.point, needs=["stocks"])
    fig = plot(ds)
    tumen_plot.save(fig, args.output or tumen_plot.default_prefix(args.file, "stocks"), args.dpi)
    return 0


if __name__ == "__main__":
    sys.exit(tumen_plot.main_wrapper(main))
