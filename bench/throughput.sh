#!/usr/bin/env bash
# Whole-process throughput: PcapIke vs tshark vs cat on one generated capture (default 1 GB, ~1% IKE), the
# in-process hot path (bench scan), and peak RSS of `pcapike dissect` on a 100 MB capture vs the big one.
# Usage: bench/throughput.sh [SIZE] [WORKDIR]     e.g. bench/throughput.sh 1G /tmp/pcapike-bench
# Prints Markdown tables (MB = 10^6 bytes). Needs tshark (apt-get install -y tshark) and GNU /usr/bin/time.
# Each command runs once (the machine may be shared); the page cache is warmed with cat first.
set -euo pipefail
size=${1:-1G}
work=${2:-/tmp/pcapike-bench}
small=${SMALL_SIZE:-100M}
repo=$(cd "$(dirname "$0")/.." && pwd)
bench="$repo/bench/PcapIke.Bench/bin/Release/net10.0/PcapIke.Bench.dll"
mkdir -p "$work"
cap="$work/mixed-$size.pcap"
smallcap="$work/mixed-$small.pcap"

command -v tshark >/dev/null || { echo "tshark not found (apt-get install -y tshark)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }

# the bench tool, and the CLI published as installed (bench/lib.sh); the apphost is named after the assembly
# (PcapIke.Cli), `pcapike` is the tool name
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_setup
[ -x "$pcapike" ] || { echo "published CLI not found at $pcapike" >&2; exit 1; }
[ -f "$cap" ] || dotnet "$bench" generate "$cap" "$size"
[ -f "$smallcap" ] || dotnet "$bench" generate "$smallcap" "$small"
bytes=$(stat -c %s "$cap")
cat "$cap" > /dev/null   # warm the page cache

# run NAME OUT CMD...: wall seconds (date +%s.%N around it; /usr/bin/time's %e has only 10 ms resolution) and
# peak RSS (KiB, /usr/bin/time %M) of CMD, its stdout to OUT; fails if CMD fails
run() {
  local name=$1 out=$2; shift 2
  local t; t=$(mktemp)
  local start end
  start=$(date +%s.%N)
  if ! /usr/bin/time -f '%e %M' -o "$t" "$@" > "$out" 2> "$out.err"; then
    echo "failed: $name (see $out.err, $t)" >&2; cat "$t" >&2; exit 1
  fi
  end=$(date +%s.%N)
  local secs rss
  read -r _ rss < <(tail -n 1 "$t"); rm -f "$t"
  secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  echo "$name|$secs|$rss"
}

results=()
results+=("$(run 'cat FILE > /dev/null' /dev/null cat "$cap")")
# pcapike: the median of three runs (a run takes well under a second, so one run is at the mercy of noise).
median_run() {
  local a b c
  a=$(run "$@"); b=$(run "$@"); c=$(run "$@")
  printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -t'|' -k2,2n | sed -n 2p
}
results+=("$(median_run 'pcapike dissect FILE (whole process, median of 3)' "$work/pcapike.out" "$pcapike" dissect "$cap")")
results+=("$(run 'tshark -r FILE -Y isakmp -T fields (same fields)' "$work/tshark.out" tshark -r "$cap" -Y isakmp -T fields \
  -e frame.number -e isakmp.ispi -e isakmp.rspi -e isakmp.exchangetype -e isakmp.flags -e isakmp.messageid \
  -e isakmp.length -e isakmp.nextpayload)")
scan=$(dotnet "$bench" scan "$cap")
small_run=$(run "pcapike dissect ($small)" "$work/pcapike-small.out" "$pcapike" dissect "$smallcap")

field() { echo "$1" | cut -d'|' -f"$2"; }
pcapike_secs=$(field "${results[1]}" 2)
tshark_secs=$(field "${results[2]}" 2)
echo
echo "Capture: $cap, $bytes bytes ($(echo "$scan" | grep -oE '^[0-9,]+ frames, [0-9,]+ IKE messages' | head -1));" \
     "pcapike printed $(grep -vc '^#' "$work/pcapike.out" || true) IKE lines, tshark $(wc -l < "$work/tshark.out") lines"
echo
echo "| what | wall s | MB/s | peak RSS MiB | wall time ÷ pcapike's |"
echo "|---|---|---|---|---|"
for r in "${results[@]}"; do
  IFS='|' read -r name secs rss <<< "$r"
  awk -v n="$name" -v s="$secs" -v b="$bytes" -v r="$rss" -v p="$pcapike_secs" \
    'BEGIN { printf "| %s | %.3f | %.0f | %.0f | %.2f× |\n", n, s, (s>0? b/1e6/s : 0), r/1024, (p>0? s/p : 0) }'
done
echo
awk -v t="$tshark_secs" -v p="$pcapike_secs" 'BEGIN { printf "pcapike dissect is %.0f× as fast as tshark (whole process, wall time).\n", (p>0? t/p : 0) }'
echo
echo "In-process (bench scan: reader + frame decoder + IsakmpReader walk of every IKE message, one core, best of 3):"
echo "$scan"
echo
echo "Memory flatness (peak RSS of pcapike dissect):"
echo
echo "| capture | bytes | wall s | peak RSS MiB |"
echo "|---|---|---|---|"
awk -v n="$small" -v b="$(stat -c %s "$smallcap")" -v s="$(field "$small_run" 2)" -v r="$(field "$small_run" 3)" \
  'BEGIN { printf "| %s | %d | %.3f | %.1f |\n", n, b, s, r/1024 }'
awk -v n="$size" -v b="$bytes" -v s="$pcapike_secs" -v r="$(field "${results[1]}" 3)" \
  'BEGIN { printf "| %s | %d | %.3f | %.1f |\n", n, b, s, r/1024 }'
