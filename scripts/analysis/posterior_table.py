#!/usr/bin/env python3
"""Summarise a `tumen calibrate` file: generations, posteriors against priors, correlations.

Usage: /usr/bin/python3 scripts/analysis/posterior_table.py CALIB.h5 [--markdown] [--set-line]

Prints (docs/estimates.md uses these tables):
  1. every complete generation: tolerance, attempts, acceptance rate, effective sample size,
     median distance and seconds;
  2. each parameter of the last generation: its prior, the prior's 5-95% interval, the weighted
     posterior median and 5-95% interval, and the width ratio (posterior interval / prior
     interval, both on the prior's scale: log for log-uniform priors, so a ratio reads the same
     for a hazard spanning decades and for a probability);
  3. the weighted correlations between parameters in the last generation, on the same scales;
     pairs beyond +-0.3 are listed, strongest first;
  4. the principal axes of the last generation, each parameter measured in its prior's standard
     deviation (same scales): the posterior standard deviation along each axis relative to the
     prior's, with the parameters that make up the axis. An axis far below 1 is a combination
     the data pins down even where each parameter alone is not (a trade-off).
--set-line prints only `--set NAME=MEDIAN ...` for running the base scenario at the posterior
median. Needs h5py and numpy (Debian's /usr/bin/python3 has them).
"""
import math
import re
import sys

import h5py
import numpy as np


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def parse_prior(description):
    """'log_uniform(3, 20)' -> ('log_uniform', [3.0, 20.0])."""
    m = re.fullmatch(r"(\w+)\((.*)\)", description.strip())
    if not m:
        raise ValueError(f"unknown prior '{description}'")
    return m.group(1), [float(x) for x in m.group(2).split(",")]


def prior_quantile(kind, args, q):
    """The q-quantile of a uniform or log-uniform prior; None for the normal kinds."""
    if kind == "uniform":
        return args[0] + q * (args[1] - args[0])
    if kind == "log_uniform":
        return math.exp(math.log(args[0]) + q * (math.log(args[1]) - math.log(args[0])))
    return None


def weighted_quantile(values, weights, q):
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = np.cumsum(w) - 0.5 * w  # mid-point of each particle's weight
    cdf /= w.sum()
    return float(np.interp(q, cdf, v))


def weighted_correlation(x, weights):
    mean = weights @ x
    centred = x - mean
    cov = (centred * weights[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def fmt(x):
    if x is None:
        return "-"
    return f"{x:.3g}" if abs(x) >= 0.01 else f"{x:.2e}"


def table(rows, header, markdown):
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        # Numbers right-aligned, names and the last (free text) column left-aligned.
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        left = [i == len(header) - 1 or not any(c[:1].isdigit() for c in (r[i] for r in rows))
                for i in range(len(header))]

        def line(cells):
            return "  ".join(c.ljust(w) if l else c.rjust(w)
                             for c, w, l in zip(cells, widths, left)).rstrip()

        out = [line(header)] + [line(r) for r in rows]
    return "\n".join(out)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1 or any(a not in ("--markdown", "--set-line") for a in sys.argv[1:]
                             if a.startswith("--")):
        sys.exit(__doc__)
    markdown = "--markdown" in sys.argv
    try:
        f = h5py.File(args[0], "r")
    except OSError as error:
        sys.exit(f"{args[0]}: error: cannot read it as HDF5: {error}")
    with f:
        if text(f.attrs.get("format", "")) != "tumen-calibration":
            sys.exit(f"{args[0]}: error: not a tumen calibration file")
        names = [text(n) for n in f["parameter"][:]]
        priors = [parse_prior(text(p)) for p in f["prior"][:]]
        provenance = dict(f["provenance"].attrs) if "provenance" in f else {}
        generations = []
        for key in sorted(f["generation"]):
            g = f["generation"][key]
            if not g.attrs.get("complete", 0):
                continue
            generations.append((key, dict(g.attrs), g["particles"][:], g["weights"][:],
                                g["distances"][:]))
        stop = text(f.attrs.get("stop_reason", "(not finished)"))
    if not generations:
        sys.exit(f"{args[0]}: error: no complete generation")
    _, _, particles, weights, _ = generations[-1]
    medians = [weighted_quantile(particles[:, j], weights, 0.5) for j in range(len(names))]

    if "--set-line" in sys.argv:
        print(" ".join(f"--set {n}={m:.6g}" for n, m in zip(names, medians)))
        return

    rows = []
    for key, attrs, _, _, distances in generations:
        seconds = provenance.get(f"generation_{key}_seconds")
        rows.append([str(int(key)), fmt(float(attrs["tolerance"])), str(int(attrs["attempts"])),
                     f"{float(attrs['acceptance_rate']):.3f}", f"{float(attrs['ess']):.1f}",
                     fmt(float(np.median(distances))),
                     "-" if seconds is None else f"{float(seconds):.0f}"])
    print(f"Generations (stop reason: {stop})\n")
    print(table(rows, ["generation", "tolerance", "attempts", "acceptance", "ESS",
                       "median distance", "seconds"], markdown))

    rows = []
    for j, (name, (kind, pargs)) in enumerate(zip(names, priors)):
        p5, p95 = prior_quantile(kind, pargs, 0.05), prior_quantile(kind, pargs, 0.95)
        q5 = weighted_quantile(particles[:, j], weights, 0.05)
        q95 = weighted_quantile(particles[:, j], weights, 0.95)
        ratio = None
        if p5 is not None:
            scale = math.log if kind == "log_uniform" else (lambda x: x)
            ratio = (scale(q95) - scale(q5)) / (scale(p95) - scale(p5))
        rows.append([name, f"{kind}({', '.join(fmt(a) for a in pargs)})",
                     "-" if p5 is None else f"{fmt(p5)} - {fmt(p95)}", fmt(medians[j]),
                     f"{fmt(q5)} - {fmt(q95)}", "-" if ratio is None else f"{ratio:.2f}"])
    print(f"\nPosterior (generation {int(generations[-1][0])}, weighted)\n")
    print(table(rows, ["parameter", "prior", "prior 5-95%", "median", "posterior 5-95%",
                       "width ratio"], markdown))

    scaled = particles.copy()
    for j, (kind, _) in enumerate(priors):
        if kind == "log_uniform":
            scaled[:, j] = np.log(scaled[:, j])
    corr = weighted_correlation(scaled, weights)
    pairs = [(corr[i, j], names[i], names[j]) for i in range(len(names))
             for j in range(i + 1, len(names)) if abs(corr[i, j]) >= 0.3]
    pairs.sort(key=lambda p: -abs(p[0]))
    print("\nCorrelations beyond +-0.3 (log scale for log-uniform priors)\n")
    print(table([[a, b, f"{c:+.2f}"] for c, a, b in pairs] or [["-", "-", "-"]],
                ["parameter", "parameter", "correlation"], markdown))

    prior_sd = []
    for kind, pargs in priors:
        if kind == "uniform":
            prior_sd.append((pargs[1] - pargs[0]) / math.sqrt(12.0))
        elif kind == "log_uniform":
            prior_sd.append((math.log(pargs[1]) - math.log(pargs[0])) / math.sqrt(12.0))
        else:
            prior_sd.append(pargs[1])  # normal kinds: sd (before any truncation)
    z = scaled / np.array(prior_sd)
    centred = z - weights @ z
    eigenvalues, axes = np.linalg.eigh((centred * weights[:, None]).T @ centred)
    rows = []
    for k in range(len(names)):
        loadings = axes[:, k] * np.sign(axes[np.argmax(np.abs(axes[:, k])), k])
        parts = [f"{loadings[j]:+.2f} {names[j]}" for j in np.argsort(-np.abs(loadings))
                 if abs(loadings[j]) >= 0.3]
        rows.append([f"{math.sqrt(max(eigenvalues[k], 0.0)):.2f}", ", ".join(parts)])
    print("\nPrincipal axes (posterior sd / prior sd along each axis, narrowest first)\n")
    print(table(rows, ["sd ratio", "axis (loadings of at least 0.3)"], markdown))


if __name__ == "__main__":
    main()
