#!/usr/bin/env python3
"""Draw the scale section's curve: pvx create and pvx destroy wall time (median ms)
against the number of guests already running, as a PNG.

usage: scale_plot.py DATA.tsv OUT.png
DATA.tsv: a header line, then "N create_ms destroy_ms list_ms" per level (tab or
space separated; "n/a" cells are left out of the curve)."""
import sys

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt  # noqa: E402


def read_levels(path):
    rows = []
    with open(path) as f:
        next(f, None)
        for line in f:
            cells = line.split()
            if len(cells) < 4:
                continue
            vals = [None if c == "n/a" else float(c) for c in cells[1:4]]
            rows.append((int(cells[0]), *vals))
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = read_levels(sys.argv[1])
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for col, label, marker in ((1, "pvx create", "o"), (2, "pvx destroy", "s"),
                               (3, "pvx list", "^")):
        pts = [(r[0], r[col]) for r in rows if r[col] is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker, label=label)
    ax.set_xlabel("guests already running (app=mem mib=0, memory=16)")
    ax.set_ylabel("wall time, median ms")
    ax.set_title("pvisor at scale: one more guest")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(sys.argv[2])


if __name__ == "__main__":
    main()
