#!/usr/bin/env python3
"""xl_golden.py CASE < output: the output of one pvx command with what changes
from run to run or host to host replaced by placeholders, for the golden files of
tests/integration/t_xl_golden.sh. Times, CPU figures, the host's memory and
topology, uptimes and pids become X; everything else is compared as printed.
JSON is re-printed with sorted keys after the same replacement."""
import json
import os
import re
import sys

HOST_KEYS = {"host", "release", "version", "machine", "nr_cpus", "max_cpu_id", "nr_nodes",
             "cores_per_socket", "threads_per_core", "cpu_mhz", "total_memory", "virt_caps",
             "free_memory", "cc_compiler", "sched_cgroup", "free_cpus",
             "domain_walls_pv", "domain_walls_hvm", "domain_cgroups"}
VOLATILE = {"uptime", "time", "cpu_sec", "cpu_pct", "pid", "cpu_time_ns", "cpu",
            "start_time"} | HOST_KEYS


def scrub_json(v, dom0=False):
    if isinstance(v, list):
        return [scrub_json(x, dom0) for x in v]
    if isinstance(v, dict):
        d0 = dom0 or v.get("name") == "Domain-0"
        out = {}
        for k, x in v.items():
            if k in VOLATILE or (d0 and k in ("mem_kb", "vcpus", "vcpu", "maxmem_kb")):
                out[k] = "X"
            elif k in ("cpu_topology", "numa_info"):
                out[k] = "X"
            else:
                out[k] = scrub_json(x, d0)
        return out
    return v


def scrub_line(case, line):
    # table rows: the Time(s) column and Domain-0's figures
    if case.startswith("list"):
        f = line.split()
        if f and f[0] != "Name" and len(f) >= 6:
            if f[0] == "Domain-0":
                line = re.sub(r"^(Domain-0\s+0)\s+\d+\s+\d+", r"\1     X     X", line)
            line = re.sub(r"\s+\d+\.\d(\s|$)", r"  X\1", line, count=1)
    elif case.startswith("vcpu-list"):
        f = line.split()
        if f and f[0] != "Name":
            line = re.sub(r"\s\d+\.\d\s", " X ", line)
            if f[0] == "Domain-0" or " all / " in line:
                line = re.sub(r"^(\S+\s+\d+\s+\d+\s+)\d+", r"\1X", line)
            if f[0] == "Domain-0":
                line = re.sub(r"^(Domain-0\s+0\s+)\d+(\s+)\S+", r"\1X\2X", line)
    elif case.startswith("uptime"):
        line = re.sub(r"\d+ days?, ", "", line)
        line = re.sub(r"\b\d{1,2}:\d{2}:\d{2}\b", "H:MM:SS", line)
        line = re.sub(r"up\s+\d{1,2}:\d{2},", "up H:MM,", line)
    elif case.startswith("info"):
        m = re.match(r"^(\w+)(\s+): (.*)$", line)
        if m and m.group(1) in HOST_KEYS:
            line = "%s%s: X" % (m.group(1), m.group(2))
        elif re.match(r"^\s*\d+:\s", line):
            line = "  <row>"
    elif case.startswith("top"):
        f = line.split()
        if f and f[0] != "NAME":
            keep = 4 if f[0] != "Domain-0" else 0
            nums = [2, 3, 5, 7] + ([4, 6, 8] if not keep else [])
            for i in nums:
                if i < len(f):
                    f[i] = "X"
            line = " ".join(f)
    elif case.startswith("sched-credit"):
        line = re.sub(r"cgroup v(\d) \S+", r"cgroup v\1 X", line)
    return line


def main():
    case = sys.argv[1]
    text = sys.stdin.read()
    for var in ("PVISOR_RUNDIR", "PVISOR_TOP"):
        if os.environ.get(var):
            text = text.replace(os.environ[var], "$" + var)
    body = text.strip()
    if body.startswith("{") or body.startswith("["):
        try:
            docs = [json.loads(body)]
        except json.JSONDecodeError:
            docs = [json.loads(l) for l in body.splitlines() if l.strip()]
        for d in docs:
            print(json.dumps(scrub_json(d), indent=2, sort_keys=True))
        return
    lines = [scrub_line(case, l) for l in text.splitlines()]
    # -n sections: their rows depend on the host; keep one placeholder per section
    out = []
    for l in lines:
        if l == "  <row>" and out and out[-1] == "  <row>":
            continue
        out.append(l)
    print("\n".join(out))


main()
