#!/usr/bin/env bash
# Benchmark section: store throughput, xsd beside Xen's C xenstored (tests/bench/store.sh
# prints its own table and command line).
exec "$(dirname "$0")/store.sh"
