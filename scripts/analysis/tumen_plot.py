"""What the plotting scripts share: the command line, loading, percentile bands and saving.

Matplotlib is switched to its Agg backend before pyplot is imported, so the scripts run on
clusters and in CI without a display.
"""
import argparse
import io
import os
import sys

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.patches import Patch
    from PIL import Image

    import tumen_io
except ImportError as missing:
    message = str(missing)
    if "matplotlib" in message:
        message += (f" in {sys.executable}: run the tumen analysis tools with Debian's "
                    "/usr/bin/python3 (apt-get install python3-matplotlib)")
    raise ImportError(message) from missing

BAND = (0.05, 0.5, 0.95)
BAND_LABEL = "median and 90% band (5th-95th percentile across replicates)"
SEX_COLORS = {"total": "#1f3b73", "female": "#d1495b", "male": "#2a9d8f"}

# Line widths and sizes that stay legible when the figures are shrunk into docs and slides.
plt.rcParams.update({
    "figure.dpi": 100,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "svg.hashsalt": "tumen",  # the same figure gives the same SVG bytes, so diffs stay small
})


def parser(description, what):
    """An ArgumentParser with what every single-file script takes: FILE, -o, --point, --dpi."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("file", help="a tumen output file (.h5, or the .h5.partial of a stopped run)")
    p.add_argument("-o", "--output", metavar="PREFIX",
                   help=f"write PREFIX.png and PREFIX.svg (default: the input's name without "
                        f".h5, plus -{what}, e.g. out/demo-{what})")
    add_common_options(p)
    return p


def add_common_options(p):
    p.add_argument("--point", type=int, metavar="N",
                   help="in a sweep file, the point to plot (/point/NNNN)")
    p.add_argument("--dpi", type=int, default=100, help="PNG resolution (default: 100)")


def strip_extension(path):
    """out/demo.h5 -> out/demo; a .h5.partial loses both suffixes."""
    base = os.fspath(path)
    for suffix in (".partial", ".h5", ".hdf5", ".nc"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base


def default_prefix(path, what):
    """out/demo.h5 -> out/demo-WHAT, next to the input, so figures stay with their run."""
    return f"{strip_extension(path)}-{what}"


def load(path, point=None, needs=()):
    """Open a file's completed replicates and check that it holds the datasets a plot needs.

    Raises tumen_io.TumenError with a message naming the file when it cannot be plotted.
    """
    everything = tumen_io.open(path, point=point)
    ds = tumen_io.done_replicates(everything)
    unfinished = everything.sizes.get("replicate", 0) - ds.sizes.get("replicate", 0)
    if unfinished:
        print(f"{path}: note: left out {unfinished} of {everything.sizes['replicate']} replicates "
              "that are not done (an interrupted or running run)", file=sys.stderr)
    missing = [name for name in needs if name not in ds.data_vars]
    if missing:
        listed = ", ".join("/" + m for m in missing)
        if "summary" in tumen_io.groups(path, point):
            raise tumen_io.TumenError(
                f"{path}: has no per-replicate {listed}, which this plot needs (a --summary-only "
                "run, or --outputs without it); the statistics across replicates are in "
                "tumen_io.open(path, group=\"summary\")")
        raise tumen_io.TumenError(f"{path}: has no {listed} dataset (the run was written "
                                  "without it; rerun with it in --outputs)")
    if "replicate" in ds.dims and ds.sizes["replicate"] == 0:
        raise tumen_io.TumenError(f"{path}: no completed replicates (replicate_done is 0 for all)")
    return ds


def run_label(ds):
    """'corridor, 16 replicates, seed 1, 2000-01-01 to 2007-12-31' for titles and legends."""
    a = ds.attrs
    count = ds.sizes.get("replicate", 0)
    return (f"{a.get('scenario_name', '?')}, {count} replicate{'s' if count != 1 else ''}, "
            f"seed {a.get('seed', '?')}, {a.get('start_date', '?')} to {a.get('end_date', '?')}")


def complete_years(data, path):
    """Keep the calendar years the run covers in full, saying on stderr which were dropped.

    A partial year's sum is not comparable with a full year's (or with an observed annual
    series). A run shorter than a year keeps its partial year, since nothing else is left.
    """
    complete = data["complete"].values
    if complete.all() or not complete.any():
        return data
    dropped = ", ".join(str(y) for y in data["year"].values[~complete])
    print(f"{path}: note: left out {dropped}, which the run covers only in part", file=sys.stderr)
    return data.isel(year=np.flatnonzero(complete))


def draw_band(ax, x, data, color, label, median_style="-", band=True):
    """A median line and a shaded 5th-95th percentile band across the replicate axis."""
    q = tumen_io.percentiles(data, BAND).transpose("quantile", ...).values
    if band:
        ax.fill_between(x, q[0], q[2], color=color, alpha=0.2, linewidth=0)
    ax.plot(x, q[1], median_style, color=color, label=label, linewidth=1.8)


def legend_with_band(ax, **kwargs):
    """The axes' legend plus one grey swatch that explains the shading."""
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor="grey", alpha=0.25, linewidth=0))
    labels.append("90% band (5th-95th percentile)")
    ax.legend(handles, labels, **kwargs)


def save(fig, prefix, dpi):
    """Write PREFIX.png and PREFIX.svg, making the folder if needed, and say so on stdout."""
    folder = os.path.dirname(prefix)
    if folder:
        os.makedirs(folder, exist_ok=True)
    for extension in ("png", "svg"):
        target = f"{prefix}.{extension}"
        try:
            if extension == "png":
                _save_palette_png(fig, target, dpi)
            else:
                fig.savefig(target, metadata={"Date": None})
        except OSError as error:
            reason = error.strerror or error
            raise tumen_io.TumenError(f"{target}: cannot write: {reason}") from None
        print(f"wrote {target}")
    plt.close(fig)


def _save_palette_png(fig, target, dpi):
    """A 256-colour PNG: line art looks the same and the file is about a third of the size.

    Small PNGs keep the figures committed under docs/ and pasted into reports light.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    buffer.seek(0)
    with Image.open(buffer) as image:
        image.convert("RGB").quantize(colors=256).save(target, optimize=True, dpi=(dpi, dpi))


def main_wrapper(main):
    """Run a script's main: a TumenError becomes a one-line message on stderr and exit code 1."""
    prog = os.path.basename(sys.argv[0])
    try:
        return main()
    except tumen_io.TumenError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 1
