#!/usr/bin/env bash
# `pcapike batch` throughput and peak memory, for the README (issue acceptance: "batch over 1,000 small captures
# and over one capture of at least 1 GB: throughput and peak memory; memory stays flat").
#   1. 1,000 small captures: copies of captures/strongswan-*/capture.pcap and ../shared/captures/*.pcap in a temp dir
#   2. one generated capture of SIZE (default 1G, ~1% IKE), and a SMALL_SIZE one (default 100M) for the flatness
#      comparison: peak RSS should not grow with the capture.
# Usage: bench/batch.sh [SIZE] [WORKDIR]        e.g. bench/batch.sh 1G /tmp/pcapike-bench
# Needs the correlator (ExchangeCorrelator) merged: before it, every file is an "analysis failed" error row.
# Prints Markdown tables (MB = 10^6 bytes). Needs GNU /usr/bin/time (apt-get install -y time).
# Each command runs once (the machine may be shared); the page cache is warmed with cat first.
set -euo pipefail
size=${1:-1G}
work=${2:-/tmp/pcapike-bench}
small=${SMALL_SIZE:-100M}
count=${COUNT:-1000}
repo=$(cd "$(dirname "$0")/.." && pwd)
shared="$repo/../shared/captures"
mkdir -p "$work"
cap="$work/mixed-$size.pcap"
smallcap="$work/mixed-$small.pcap"

# the CLI as installed (bench/lib.sh: the composite publish, intermediate files of other publishes removed first)
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_setup
[ -x "$pcapike" ] || { echo "published CLI not found at $pcapike" >&2; exit 1; }
[ -f "$cap" ] || dotnet "$bench" generate "$cap" "$size"
[ -f "$smallcap" ] || dotnet "$bench" generate "$smallcap" "$small"

# 1,000 small captures, round-robin over the sources, in 10 subdirectories (batch searches recursively).
sources=("$repo"/captures/strongswan-*/capture.pcap)
[ -d "$shared" ] && sources+=("$shared"/*.pcap)
[ "${#sources[@]}" -gt 0 ] || { echo "no source captures found" >&2; exit 1; }
many=$(mktemp -d "$work/many.XXXXXX")
trap 'rm -rf "$many"' EXIT
for ((i = 0; i < count; i++)); do
  d="$many/d$((i % 10))"; mkdir -p "$d"
  cp "${sources[$((i % ${#sources[@]}))]}" "$d/c$(printf '%04d' "$i").pcap"
done
many_bytes=$(du -sb "$many" | cut -f1)
cat "$many"/*/*.pcap "$cap" "$smallcap" > /dev/null   # warm the page cache

# run NAME CSV ARGS...: wall seconds (date +%s.%N around it), peak RSS (KiB, /usr/bin/time %M), data rows of the CSV
# and error rows; exit code 3 (some file unreadable) is reported, not fatal.
run() {
  local name=$1 csv=$2; shift 2
  local t; t=$(mktemp)
  local start end rc=0
  start=$(date +%s.%N)
  /usr/bin/time -f '%e %M' -o "$t" "$pcapike" batch "$@" --csv "$csv" > /dev/null 2> "$csv.err" || rc=$?
  end=$(date +%s.%N)
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then echo "failed ($rc): $name (see $csv.err)" >&2; cat "$t" >&2; exit 1; fi
  local secs rss rows errors
  read -r _ rss < <(tail -n 1 "$t"); rm -f "$t"
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  rows=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline="")))[1:]; print(len(r), sum(1 for x in r if x[17]))' "$csv")
  read -r rows errors <<< "$rows"
  [ "$errors" -eq 0 ] || echo "warning: $name: $errors error rows (exit $rc), e.g.: $(head -n 1 "$csv.err")" >&2
  echo "$name|$secs|$rss|$rows|$errors"
}

many_run=$(run "$count small captures ($(nproc) cores)" "$work/batch-many.csv" "$many")
small_run=$(run "one $small capture" "$work/batch-small.csv" "$smallcap")
big_run=$(run "one $size capture" "$work/batch-big.csv" "$cap")

echo
echo "pcapike batch, published Release build (ReadyToRun), $(nproc) cores, each run once:"
echo
echo "| input | files | MB | wall s | MB/s | files/s | SA rows | error rows | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
row() {
  IFS='|' read -r name secs rss rows errors <<< "$1"
  awk -v n="$name" -v f="$2" -v b="$3" -v s="$secs" -v r="$rss" -v rows="$rows" -v e="$errors" \
    'BEGIN { printf "| %s | %d | %.1f | %.3f | %.0f | %.0f | %d | %d | %.1f |\n", n, f, b/1e6, s, (s>0? b/1e6/s : 0), (s>0? f/s : 0), rows - e, e, r/1024 }'
}
row "$many_run" "$count" "$many_bytes"
row "$small_run" 1 "$(stat -c %s "$smallcap")"
row "$big_run" 1 "$(stat -c %s "$cap")"
echo
small_rss=$(echo "$small_run" | cut -d'|' -f3); big_rss=$(echo "$big_run" | cut -d'|' -f3)
awk -v a="$small_rss" -v b="$big_rss" -v s="$small" -v l="$size" \
  'BEGIN { printf "Memory flatness: peak RSS %.1f MiB for %s, %.1f MiB for %s (%.2f×).\n", a/1024, s, b/1024, l, (a>0? b/a : 0) }'
