#!/usr/bin/env bash
# Issue 14: how analyze and batch scale with the number of IKE SAs. For each COUNT (default 10k 100k 1M) the bench
# generator writes COUNT unanswered IKE_SA_INIT requests with random SPIs from random initiators (`sa-init`):
#   spread: RATE SAs per second of capture time (default 200/s, so 36,000 are open within the 180 s idle window and
#           they idle out while the capture is read: the streamed case);
#   flood:  all COUNT within 60 s (every SA open at once: the live-SA cap, 40,000, finishes the least recently
#           active early, marked cut short).
# Then the published CLI runs `analyze --format jsonl` (stdout read by a pipe that stamps the arrival of the first line)
# and `batch --csv` on each: wall seconds, peak RSS (GNU time %M), SAs written, and when the first SA line arrived
# relative to the process end (streamed output: well before it).
# Usage: bench/sa-scaling.sh [WORKDIR]   env: COUNTS="10k 100k 1M" RATE=200 REPS=3 MODES="spread flood"
# Prints a Markdown table (median of REPS by wall time). The machine may be shared: the load average is printed.
set -euo pipefail
work=${1:-/tmp/pcapike-bench}
counts=${COUNTS:-10k 100k 1M}
rate=${RATE:-200}
reps=${REPS:-3}
modes=${MODES:-spread flood}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
# shellcheck source=bench/lib.sh
. "$repo/bench/lib.sh"
bench_setup

num() { local s=$1; case $s in *k|*K) echo $(( ${s%?} * 1000 ));; *M) echo $(( ${s%?} * 1000000 ));; *) echo "$s";; esac; }

echo "machine: nproc $(nproc), $(lscpu | sed -n 's/^Model name: *//p' | head -1); start $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| mode | SAs | capture MB | command | wall s (median of $reps) | µs per SA | peak RSS MiB | SAs out | cut short | first SA line at (s after start) | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for mode in $modes; do
  for c in $counts; do
    n=$(num "$c")
    if [ "$mode" = spread ]; then span=$(awk -v n="$n" -v r="$rate" 'BEGIN { printf "%.3f", n / r }'); else span=60; fi
    cap="$work/sa-$mode-$c.pcap"
    [ -f "$cap" ] || dotnet "$bench" sa-init "$cap" "$n" "$span" >/dev/null
    cat "$cap" > /dev/null
    mb=$(awk -v b="$(stat -c %s "$cap")" 'BEGIN { printf "%.1f", b / 1e6 }')
    for cmd in analyze batch; do
      rows=()
      for ((r = 0; r < reps; r++)); do
        t=$(mktemp); first=$(mktemp); out=$(mktemp)
        start=$(date +%s.%N)
        if [ "$cmd" = analyze ]; then
          /usr/bin/time -f '%M' -o "$t" "$pcapike" analyze "$cap" --format jsonl --quiet \
            | { IFS= read -r line && date +%s.%N > "$first" && { printf '%s\n' "$line"; cat; } ; } > "$out"
        else
          /usr/bin/time -f '%M' -o "$t" "$pcapike" batch "$cap" --csv "$out" 2>/dev/null
          echo "-" > "$first"
        fi
        end=$(date +%s.%N)
        rss=$(tail -n 1 "$t")
        if [ "$cmd" = analyze ]; then sas=$(wc -l < "$out"); cut=$(grep -c '"cutShort":true' "$out" || true)
        else sas=$(( $(wc -l < "$out") - 1 )); cut="-"; fi
        f=$(cat "$first")
        firstat=$([ "$f" = "-" ] && echo "-" || awk -v a="$start" -v b="$f" -v e="$end" 'BEGIN { printf "%.2f of %.2f", b - a, e - a }')
        rows+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')|$rss|$sas|$cut|$firstat|$(cut -d' ' -f1 /proc/loadavg)")
        rm -f "$t" "$first" "$out"
      done
      med=$(printf '%s\n' "${rows[@]}" | sort -t'|' -k1,1n | sed -n "$(( (reps + 1) / 2 ))p")
      IFS='|' read -r secs rss sas cut firstat load <<< "$med"
      us=$(awk -v s="$secs" -v n="$n" 'BEGIN { printf "%.1f", s * 1e6 / n }')
      mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
      echo "| $mode | $c | $mb | $cmd | $secs | $us | $mib | $sas | $cut | $firstat | $load |"
    done
  done
done
