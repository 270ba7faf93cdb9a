#!/usr/bin/env python3
"""Flows through the network as a weighted route map.

    /usr/bin/python3 scripts/analysis/plot_flows.py out/demo.h5

Places stand in columns by kind (origin, border, transit, third country, destination), the
order of a journey, so the map reads left to right like a Sankey diagram. Each route is drawn
with a width proportional to its mean traversals over the run (/route_flow, completed hops,
averaged over the completed replicates) and labelled with that mean. Unused routes are dotted.
"""
import os
import sys
from collections import defaultdict

try:
    import tumen_plot
except ImportError as missing:
    sys.exit(f"{os.path.basename(sys.argv[0])}: error: {missing}")
from matplotlib.lines import Line2D  # noqa: E402  (after the Agg switch in tumen_plot)
from matplotlib.patches import FancyArrowPatch, PathPatch  # noqa: E402
from matplotlib.path import Path  # noqa: E402
from tumen_plot import np, plt, tumen_io  # noqa: E402

KIND_ORDER = ("origin", "border", "transit", "third_country", "destination")
KIND_STYLE = {  # kind: (column heading, legend label, colour)
    "origin": ("origin", "origin (home province)", "#6c757d"),
    "border": ("border", "border crossing", "#d1495b"),
    "transit": ("transit", "transit place", "#edae49"),
    "third_country": ("third country", "third country", "#66a182"),
    "destination": ("destination", "destination", "#1f3b73"),
}


def kind_style(kind):
    """(heading, legend label, colour) of a place kind; a kind new to this script gets grey."""
    return KIND_STYLE.get(kind, (kind, kind, "#b0b0b0"))
COLUMN_SPACING = 2.2  # data units between columns; rows are 1 unit apart, and the axes are equal
NODE_RADIUS = 0.16
MAX_WIDTH_PT = 16.0
MIN_WIDTH_PT = 0.8
EDGE_COLOR = "#4a7fb0"


def split_route(name, places):
    """'FROM->TO' into (FROM, TO), choosing the split where both halves are known places.

    Splitting on the first '->' would break on a place name that contains '->' itself.
    """
    start = name.find("->")
    while start != -1:
        source, target = name[:start], name[start + 2:]
        if source in places and target in places:
            return source, target
        start = name.find("->", start + 1)
    raise tumen_io.TumenError(f"route {name!r} is not 'FROM->TO' between places of the file")


def mean_route_flows(ds):
    """{(from, to): mean traversals over the run} across the completed replicates."""
    places = set(str(p) for p in ds["location"].values)
    means = ds["route_flow"].mean("replicate").values if ds.sizes["replicate"] else []
    return {split_route(str(r), places): float(m) for r, m in zip(ds["route"].values, means)}


def place_columns(ds, flows):
    """{place: column} and [(kind, first column, last column)] for the headings.

    Kinds follow KIND_ORDER (kinds unknown to this script come after). Routes between places of
    one kind (Yanbian->Shenyang->Beijing) split that kind into sub-columns by the longest chain
    of such routes leading to a place, so every route runs left to right where the network
    allows it.
    """
    names = [str(p) for p in ds["location"].values]
    kind_of = dict(zip(names, (str(k) for k in ds["location_kind"].values)))
    order = list(KIND_ORDER) + [k for k in dict.fromkeys(kind_of.values()) if k not in KIND_ORDER]
    kinds = [k for k in order if k in kind_of.values()]
    depth = dict.fromkeys(names, 0)
    within = [(a, b) for a, b in flows if kind_of[a] == kind_of[b] and a != b]
    for _ in range(len(names)):  # longest chains; the bound stops at a cycle of routes
        changed = False
        for source, target in within:
            if depth[target] < depth[source] + 1 <= len(names):
                depth[target] = depth[source] + 1
                changed = True
        if not changed:
            break
    column_of, spans, first = {}, [], 0
    for kind in kinds:
        members = [p for p in names if kind_of[p] == kind]
        for place in members:
            column_of[place] = first + depth[place]
        last = first + max(depth[p] for p in members)
        spans.append((kind, first, last))
        first = last + 1
    return column_of, spans


def order_rows(column_of, flows):
    """Row positions that keep heavy flows short: a few barycentre sweeps (Sugiyama style).

    Each place moves towards the flow-weighted mean height of its neighbours in the previous
    columns (forward sweep) or the next columns (backward sweep). Ties keep the file's order,
    which the scenario author chose.
    """
    columns = defaultdict(list)
    for place, column in column_of.items():
        columns[column].append(place)
    height = {}

    def place_rows():
        for places in columns.values():
            for row, place in enumerate(places):
                height[place] = (len(places) - 1) / 2 - row

    place_rows()
    neighbours = defaultdict(list)  # place: [(other place, weight, other is earlier)]
    for (source, target), flow in flows.items():
        if column_of[source] != column_of[target]:
            weight = flow + 1e-6
            earlier = column_of[source] < column_of[target]
            neighbours[target].append((source, weight, earlier))
            neighbours[source].append((target, weight, not earlier))
    last = max(columns)
    for forward in (True, False, True):
        sequence = range(1, last + 1) if forward else range(last - 1, -1, -1)
        for column in sequence:
            def key(place, forward=forward):
                linked = [(height[other], weight)
                          for other, weight, earlier in neighbours[place] if earlier == forward]
                if not linked:
                    return height[place]
                return sum(h * w for h, w in linked) / sum(w for _, w in linked)
            columns[column].sort(key=key, reverse=True)
            place_rows()
    return {place: (column_of[place] * COLUMN_SPACING, height[place]) for place in column_of}


def edge_path(start, end, same_column, skips):
    """Start, control and end points of a quadratic Bezier from node edge to node edge.

    Adjacent columns get a straight line. Routes that skip columns bow aside so they do not run
    through the places in between; routes within a column bow out to the right.
    """
    p0, p2 = np.array(start), np.array(end)
    middle = (p0 + p2) / 2
    direction = p2 - p0
    length = np.hypot(*direction)
    normal = np.array([-direction[1], direction[0]]) / length
    if same_column:
        control = middle + np.array([0.9, 0.0])
    elif skips:
        control = middle + normal * 0.12 * length
    else:
        control = middle
    trimmed_start = p0 + (control - p0) / np.hypot(*(control - p0)) * NODE_RADIUS * 1.4
    trimmed_end = p2 - (p2 - control) / np.hypot(*(p2 - control)) * NODE_RADIUS * 1.8
    return trimmed_start, control, trimmed_end


def width_pt(flow, largest):
    return MIN_WIDTH_PT + MAX_WIDTH_PT * flow / largest if largest > 0 else MIN_WIDTH_PT


def draw_route(ax, points, flow, largest):
    """One route: a band of width ~ flow, a small arrowhead at its end, and its mean as a label."""
    p0, control, p2 = points
    path = Path([p0, control, p2], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
    used = flow > 0
    ax.add_patch(PathPatch(path, facecolor="none", edgecolor=EDGE_COLOR if used else "#999999",
                           linewidth=width_pt(flow, largest) if used else 0.8,
                           linestyle="-" if used else ":", alpha=0.55 if used else 0.9,
                           capstyle="butt", zorder=1))
    tangent = (p2 - control) / np.hypot(*(p2 - control))
    ax.add_patch(FancyArrowPatch(p2 - tangent * 0.25, p2, arrowstyle="-|>", mutation_scale=9,
                                 color="#333333", linewidth=0.8, zorder=3))
    if used:
        label_at = 0.25 * p0 + 0.5 * control + 0.25 * p2
        ax.text(*label_at, f"{flow:,.0f}", fontsize=7, ha="center", va="center", zorder=4,
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none",
                          alpha=0.85))


def reference_flows(largest):
    """Round values for the width legend: the largest flow's leading digit, then fractions."""
    if largest <= 0:
        return []
    top = float(f"{largest:.0e}")
    top = top if top <= largest else top / 2
    return [value for value in (top, top / 4, top / 20) if value >= 1]


def plot(ds):
    flows = mean_route_flows(ds)
    column_of, spans = place_columns(ds, flows)
    position = order_rows(column_of, flows)
    largest = max(flows.values(), default=0.0)
    columns = max(column_of.values()) + 1
    rows = max(list(column_of.values()).count(c) for c in range(columns))
    map_width, map_height = (columns - 1) * COLUMN_SPACING + 2.4, rows + 1.8  # data units
    width_in = min(0.66 * map_width + 1.0, 20.0)
    map_height_in = 0.9 * width_in * map_height / map_width  # the margins take the rest
    fig, (ax, key) = plt.subplots(
        2, 1, figsize=(width_in, map_height_in + 1.9), height_ratios=[map_height_in, 1.1],
        layout="constrained")
    for (source, target), flow in sorted(flows.items(), key=lambda item: item[1]):
        if source == target:
            continue  # a route from a place to itself has no direction to draw
        a, b = column_of[source], column_of[target]
        points = edge_path(position[source], position[target], a == b, abs(b - a) > 1 or b < a)
        draw_route(ax, points, flow, largest)
    kind_of = dict(zip((str(p) for p in ds["location"].values),
                       (str(k) for k in ds["location_kind"].values)))
    for place, (x, y) in position.items():
        colour = kind_style(kind_of[place])[2]
        ax.add_patch(plt.Circle((x, y), NODE_RADIUS, facecolor=colour, edgecolor="white",
                                linewidth=1.2, zorder=5))
        ax.text(x, y - NODE_RADIUS - 0.06, place, fontsize=8, ha="center", va="top", zorder=6,
                bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none",
                          alpha=0.7))
    for kind, first, last in spans:
        ax.text((first + last) / 2 * COLUMN_SPACING, (rows - 1) / 2 + 0.75,
                kind_style(kind)[0], fontsize=10, ha="center", weight="bold")
    ax.set_aspect("equal")
    ax.set_xlim(-1.2, map_width - 1.2)
    ax.set_ylim(-(rows - 1) / 2 - 0.7, (rows - 1) / 2 + 1.1)
    ax.axis("off")
    add_legends(key, [kind for kind, _, _ in spans], largest)
    fig.suptitle("Flows through the network: mean traversals of each route over the run\n"
                 f"{tumen_plot.run_label(ds)}; line width and label: mean completed hops per "
                 "run (people)", fontsize=11)
    return fig


def add_legends(key, kinds, largest):
    """Place kinds and the width scale (in traversals per run), in their own axes under the map."""
    kind_handles = [Line2D([], [], marker="o", linestyle="none", markersize=9,
                           markerfacecolor=kind_style(k)[2], markeredgecolor="white",
                           label=kind_style(k)[1])
                    for k in kinds]
    width_handles = [Line2D([], [], color=EDGE_COLOR, alpha=0.55, linewidth=width_pt(v, largest),
                            solid_capstyle="butt", label=f"{v:,.0f} traversals per run")
                     for v in reference_flows(largest)]
    width_handles.append(Line2D([], [], color="#999999", linestyle=":", linewidth=0.8,
                                label="route not used"))
    key.axis("off")
    key.add_artist(key.legend(handles=kind_handles, loc="upper center", ncol=len(kind_handles),
                              frameon=False, title="places"))
    key.legend(handles=width_handles, loc="lower center", ncol=len(width_handles),
               frameon=False, handlelength=3.2, title="routes (line width)")


def main():
    p = tumen_plot.parser(__doc__.splitlines()[0], "flows")
    args = p.parse_args()
    ds = tumen_plot.load(args.file, args.point, needs=["route_flow"])
    if ds.sizes.get("route", 0) == 0:
        raise tumen_io.TumenError(f"{args.file}: the scenario has no routes, so no flows to draw")
    fig = plot(ds)
    tumen_plot.save(fig, args.output or tumen_plot.default_prefix(args.file, "flows"), args.dpi)
    return 0


if __name__ == "__main__":
    sys.exit(tumen_plot.main_wrapper(main))
