#!/usr/bin/env python3
"""Draw the scale section's curve: pvx create and pvx destroy wall time (median ms)
against the number of guests already running, as a PNG.

usage: scale_plot.py DATA.tsv OUT.png
DATA.tsv: a header line, then "N create_ms destroy_ms list_ms create_ref_ms
destroy_ref_ms" per level (space separated; "n/a" cells are left out of the curve;
the two reference columns, the same commands timed beside in a run directory with
one guest, are drawn dashed)."""
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
            cells += ["n/a"] * (6 - len(cells))
            vals = [None if c == "n/a" else float(c) for c in cells[1:6]]
            rows.append((int(cells[0]), *vals))
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = read_levels(sys.argv[1])
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for col, label, marker, style, color in (
            (1, "pvx create", "o", "-", "C0"), (2, "pvx destroy", "s", "-", "C1"),
            (3, "pvx list", "^", "-", "C2"),
            (4, "pvx create beside (1 guest)", "o", "--", "C0"),
            (5, "pvx destroy beside (1 guest)", "s", "--", "C1")):
        pts = [(r[0], r[col]) for r in rows if r[col] is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker,
                    linestyle=style, color=color, label=label,
                    alpha=0.6 if style == "--" else 1.0)
    ax.set_xlabel("guests already running (app=mem mib=0, memory=16)")
    ax.set_ylabel("wall time, median ms")
    ax.set_title("pvisor at scale: one more guest")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(sys.argv[2])


if __name__ == "__main__":
    main()
