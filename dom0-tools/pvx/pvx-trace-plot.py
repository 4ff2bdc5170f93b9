#!/usr/bin/python3
"""pvx-trace-plot OUT.png: draw the histogram `pvx trace report` computed (JSON on
stdin: title, bin edges in ns, one series of counts per hypercall) as a PNG with
matplotlib (Debian's python3-matplotlib). Exits non-zero, saying why, when it
cannot."""
import json
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: pvx-trace-plot OUT.png  (the histogram as JSON on stdin)')
    try:
        import matplotlib
        matplotlib.use('Agg')  # no display: write a file
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit('pvx-trace-plot: python3-matplotlib is not installed (make deps)')
    data = json.load(sys.stdin)
    edges = data['edges_ns']
    fig, ax = plt.subplots(figsize=(9, 5), dpi=100)
    used = [i for s in data['series'] for i, c in enumerate(s['counts']) if c]
    for s in data['series']:
        ax.stairs(s['counts'], edges, label=s['label'], linewidth=1.6)
    ax.set_xscale('log')
    if used:  # the decades that hold something, and one bin either side
        ax.set_xlim(edges[max(min(used) - 1, 0)], edges[min(max(used) + 2, len(edges) - 1)])
    ax.set_yscale('symlog', linthresh=1)
    ax.set_xlabel('time in the hypervisor\'s handler (ns, log scale)')
    ax.set_ylabel('hypercalls per bin')
    ax.set_title(data['title'], fontsize=10)
    ax.grid(True, which='major', alpha=0.3)
    ax.legend(fontsize=8, loc='upper right')
    fig.tight_layout()
    fig.savefig(sys.argv[1])


if __name__ == '__main__':
    main()
