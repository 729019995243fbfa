#!/usr/bin/env bash
# Issue 12's benchmark: `pcapike analyze` on a generated capture (default 1 GB) and on the same generator's capture
# with 30% of its frames ESP (protocol 50 and UDP 4500, the tunnels of its negotiations, each way); and, with
# BASELINE_REV (a commit before the data plane, e.g. 9801fd3), the same two runs of that commit's CLI, built from
# `git archive` in the work dir (no checkout). Whole process (published ReadyToRun, output to /dev/null), median of
# REPS runs (default 3, interleaved), wall seconds and peak RSS; then the in-process `bench analyze` (best of 3, allocation per ESP frame).
# Usage: [BASELINE_REV=rev] bench/esp-throughput.sh [SIZE] [WORKDIR]      e.g. bench/esp-throughput.sh 1G /tmp/pcapike-bench
# Needs GNU /usr/bin/time. Prints Markdown tables (MB = 10^6 bytes).
set -euo pipefail
size=${1:-1G}
work=${2:-/tmp/pcapike-bench}
share=${ESP_SHARE:-0.3}
repo=$(cd "$(dirname "$0")/.." && pwd)
bench="$repo/bench/PcapIke.Bench/bin/Release/net10.0/PcapIke.Bench.dll"
mkdir -p "$work"
plain="$work/mixed-$size.pcap"
esp="$work/esp$(awk -v s="$share" 'BEGIN { printf "%d", s * 100 }')-$size.pcap"
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }

dotnet build -c Release "$repo/bench/PcapIke.Bench" -v q -nologo >/dev/null
publish() { # source-dir out-dir
  dotnet publish -c Release "$1/src/PcapIke.Cli" -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$2" -v q -nologo >/dev/null
}
publish "$repo" "$work/cli"
clis=("this|$work/cli/PcapIke.Cli")
if [ -n "${BASELINE_REV:-}" ]; then
  base="$work/base-$BASELINE_REV"
  if [ ! -x "$base/cli/PcapIke.Cli" ]; then
    rm -rf "$base" && mkdir -p "$base/src"
    git -C "$repo" archive "$BASELINE_REV" | tar -x -C "$base/src"
    publish "$base/src" "$base/cli"
  fi
  clis+=("$BASELINE_REV|$base/cli/PcapIke.Cli")
fi
[ -f "$plain" ] || dotnet "$bench" generate "$plain" "$size"
[ -f "$esp" ] || dotnet "$bench" generate "$esp" "$size" "$share"

run() { # CMD... -> "secs rss_kib"
  local t start end
  t=$(mktemp)
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" -v r="$(tail -n 1 "$t")" 'BEGIN { printf "%.3f %d\n", b - a, r }'
  rm -f "$t"
}
reps=${REPS:-3}
# Interleaved: each round runs every CLI on both captures once, so a busy machine slows them alike; the median of the
# rounds is reported.
declare -A secs_of rss_of
for ((round = 0; round < reps; round++)); do
  for c in "${clis[@]}"; do
    for f in "$plain" "$esp"; do
      cat "$f" >/dev/null
      read -r secs rss < <(run "${c#*|}" analyze "$f")
      secs_of["${c%%|*}|$f"]+="$secs "
      rss_of["${c%%|*}|$f"]+="$rss "
    done
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "| CLI | capture | bytes | wall s (median of $reps, interleaved) | MB/s | peak RSS MiB (median) |"
echo "|---|---|---|---|---|---|"
declare -A mbs
for c in "${clis[@]}"; do
  name=${c%%|*}
  for f in "$plain" "$esp"; do
    secs=$(echo "${secs_of["$name|$f"]}" | median)
    rss=$(echo "${rss_of["$name|$f"]}" | median)
    bytes=$(stat -c %s "$f")
    rate=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }')
    mbs["$name|$f"]=$rate
    awk -v n="$name" -v f="$(basename "$f")" -v b="$bytes" -v s="$secs" -v m="$rate" -v r="$rss" \
      'BEGIN { printf "| %s | %s | %d | %.3f | %s | %.1f |\n", n, f, b, s, m, r / 1024 }'
  done
done
echo
ratio=$(awk -v a="${mbs["this|$esp"]}" -v b="${mbs["this|$plain"]}" 'BEGIN { printf "%.2f", a / b }')
echo "this CLI: ESP capture at ${ratio}× the plain capture's MB/s (criterion: ≥ 0.90)"
if [ -n "${BASELINE_REV:-}" ]; then
  r2=$(awk -v a="${mbs["this|$esp"]}" -v b="${mbs["$BASELINE_REV|$esp"]}" 'BEGIN { printf "%.2f", a / b }')
  echo "ESP capture: this CLI at ${r2}× $BASELINE_REV's MB/s (criterion: ≥ 0.90)"
fi
echo
echo "In process (bench analyze, one core):"
echo
echo '```'
dotnet "$bench" analyze "$plain"
dotnet "$bench" analyze "$esp"
echo '```'
