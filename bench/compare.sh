#!/usr/bin/env bash
# Interleaved comparison of whole-process runs: on a shared host the same binary's time drifts by 30-50% within
# minutes, so two builds (or settings) are only compared run against run. Each round runs every variant once, in the
# order given; the medians of wall time and CPU (user + sys) per variant are printed. Output goes to /dev/null.
# Usage: bench/compare.sh ROUNDS 'LABEL|ENV|COMMAND ARGS' ...
#   ENV: space-separated NAME=VALUE pairs for env(1), or X=1 for none. Needs GNU /usr/bin/time.
# Example: bench/compare.sh 5 'base|X=1|/tmp/base/PcapIke.Cli analyze big.pcap --format json' \
#                              'head|X=1|/tmp/head/PcapIke.Cli analyze big.pcap --format json'
set -uo pipefail
rounds=$1; shift
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }
t=$(mktemp); trap 'rm -f "$t"' EXIT
declare -A wall cpu
for ((r = 0; r < rounds; r++)); do
  for v in "$@"; do
    IFS='|' read -r label envs cmd <<<"$v"
    # shellcheck disable=SC2086  # ENV and COMMAND are word-split on purpose
    /usr/bin/time -o "$t" -f '%e %U %S' env $envs $cmd >/dev/null 2>&1 || echo "$label: exit $? in round $((r + 1))" >&2
    read -r e u s < <(tail -n 1 "$t")
    wall[$label]+="$e "
    cpu[$label]+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for v in "$@"; do
  IFS='|' read -r label _ _ <<<"$v"
  echo "$label: wall median $(echo "${wall[$label]}" | median) s (runs ${wall[$label]% }), cpu median $(echo "${cpu[$label]}" | median) s"
done
