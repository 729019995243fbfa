#!/usr/bin/env bash
# Issue 14's throughput figures, whole process, warm page cache, the CLI published as the tool is installed
# (bench/lib.sh: self-contained, one ReadyToRun composite image; TieredPGO off, docs/scale.md "Publishing"):
#   analyze --format json and dissect on the 1 GB benchmark capture (`PcapIke.Bench generate … 1G`);
#   batch over 8 copies of a 250 MB capture: on 1 core (taskset -c 0, --jobs 1), and on 2 cores with --jobs 1 and
#   --jobs 2 (speed-up = wall(1 core) / wall(2 cores, --jobs 2)). Needs taskset (util-linux).
# Usage: bench/scale-throughput.sh [WORKDIR]    env: REPS=3
# Prints a Markdown table: median wall time of REPS runs (interleaved), MB/s (10^6 bytes), peak RSS (GNU time %M) and
# the load average when each median run ended. The machine may be shared: say so next to the figures.
set -euo pipefail
work=${1:-/tmp/pcapike-bench}
reps=${REPS:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work/batch8"
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_setup
big="$work/mixed-1G.pcap"
quarter="$work/mixed-250M.pcap"
[ -f "$big" ] || dotnet "$bench" generate "$big" 1G >/dev/null
[ -f "$quarter" ] || dotnet "$bench" generate "$quarter" 250M >/dev/null
for i in 1 2 3 4 5 6 7 8; do [ -f "$work/batch8/copy$i.pcap" ] || cp "$quarter" "$work/batch8/copy$i.pcap"; done
cat "$big" "$work"/batch8/*.pcap > /dev/null

# one NAME CMD...: "wall|rssKiB|load" of one run, stdout to /dev/null
one() {
  local t; t=$(mktemp)
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$t" "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')|$(tail -n 1 "$t")|$(cut -d' ' -f1 /proc/loadavg)"
  rm -f "$t"
}
declare -A runs
names=("analyze --format json, 1 GB" "dissect, 1 GB" "dissect --format json, 1 GB" "batch --jobs 1 on 1 core (taskset -c 0), 8 × 250 MB" "batch --jobs 2 on 2 cores, 8 × 250 MB" "batch --jobs 1 on 2 cores, 8 × 250 MB")
for ((r = 0; r < reps; r++)); do
  runs[0]+="$(one "$pcapike" analyze "$big" --format json --quiet) "
  runs[1]+="$(one "$pcapike" dissect "$big") "
  runs[2]+="$(one "$pcapike" dissect "$big" --format json) "
  runs[3]+="$(one taskset -c 0 "$pcapike" batch "$work/batch8" --csv /dev/null --jobs 1) "
  runs[4]+="$(one "$pcapike" batch "$work/batch8" --csv /dev/null --jobs 2) "
  runs[5]+="$(one "$pcapike" batch "$work/batch8" --csv /dev/null --jobs 1) "
done
bigmb=$(awk -v b="$(stat -c %s "$big")" 'BEGIN { printf "%.1f", b / 1e6 }')
batchmb=$(awk -v b="$(cat "$work"/batch8/*.pcap | wc -c)" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "machine: nproc $(nproc), $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(date -u +%H:%M) UTC; REPS=$reps"
echo
echo "| what | MB | wall s (median) | all runs s | MB/s | peak RSS MiB | load avg at the median run |"
echo "|---|---|---|---|---|---|---|"
declare -a med
for k in 0 1 2 3 4 5; do
  m=$(printf '%s\n' ${runs[$k]} | sort -t'|' -k1,1n | sed -n "$(( (reps + 1) / 2 ))p")
  all=$(printf '%s\n' ${runs[$k]} | cut -d'|' -f1 | paste -sd' ')
  IFS='|' read -r secs rss load <<< "$m"
  med[$k]=$secs
  mb=$([ $k -ge 3 ] && echo "$batchmb" || echo "$bigmb")
  echo "| ${names[$k]} | $mb | $secs | $all | $(awk -v m="$mb" -v s="$secs" 'BEGIN { printf "%.0f", m / s }') | $(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') | $load |"
done
echo
echo "batch speed-up, 2 cores (--jobs 2) over 1 core: $(awk -v a="${med[3]}" -v b="${med[4]}" 'BEGIN { printf "%.2f", a / b }')×; --jobs 2 over --jobs 1 on 2 cores: $(awk -v a="${med[5]}" -v b="${med[4]}" 'BEGIN { printf "%.2f", a / b }')×"
