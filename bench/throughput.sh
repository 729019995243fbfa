#!/usr/bin/env bash
# Whole-process throughput: PcapIke vs tshark vs cat on one generated capture (default 1 GB, ~1% IKE).
# Usage: bench/throughput.sh [SIZE] [WORKDIR]     e.g. bench/throughput.sh 1G /tmp/pcapike-bench
# Prints a Markdown table (MB = 10^6 bytes). Needs tshark (apt-get install -y tshark) and /usr/bin/time.
set -euo pipefail
size=${1:-1G}
work=${2:-/tmp/pcapike-bench}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
cap="$work/mixed-$size.pcap"

dotnet build -c Release "$repo/bench/PcapIke.Bench" -v q -nologo >/dev/null
dotnet publish -c Release "$repo/src/PcapIke.Cli" -o "$work/cli" -v q -nologo >/dev/null
[ -f "$cap" ] || dotnet "$repo/bench/PcapIke.Bench/bin/Release/net10.0/PcapIke.Bench.dll" generate "$cap" "$size"
bytes=$(stat -c %s "$cap")
cat "$cap" > /dev/null   # warm the page cache

# run NAME CMD...: wall seconds and peak RSS (KiB) of CMD, output discarded
run() {
  local name=$1; shift
  local t; t=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$t" "$@" > /dev/null 2>&1 || true
  read -r secs rss < "$t"; rm -f "$t"
  echo "$name|$secs|$rss"
}

results=()
results+=("$(run 'cat FILE > /dev/null' cat "$cap")")
results+=("$(run 'pcapike dissect (whole process)' "$work/cli/pcapike" dissect "$cap")")
results+=("$(run 'tshark -Y isakmp -T fields (same fields)' tshark -r "$cap" -Y isakmp -T fields \
  -e frame.number -e isakmp.ispi -e isakmp.rspi -e isakmp.exchangetype -e isakmp.flags -e isakmp.messageid \
  -e isakmp.length -e isakmp.nextpayload)")
scan=$(dotnet "$repo/bench/PcapIke.Bench/bin/Release/net10.0/PcapIke.Bench.dll" scan "$cap")

pcapike_secs=$(echo "${results[1]}" | cut -d'|' -f2)
echo
echo "Capture: $cap, $bytes bytes ($(echo "$scan" | grep -oE '[0-9,]+ frames' | head -1))"
echo
echo "| what | wall s | MB/s | peak RSS MiB | time vs pcapike |"
echo "|---|---|---|---|---|"
for r in "${results[@]}"; do
  IFS='|' read -r name secs rss <<< "$r"
  awk -v n="$name" -v s="$secs" -v b="$bytes" -v r="$rss" -v p="$pcapike_secs" \
    'BEGIN { printf "| %s | %.2f | %.0f | %.0f | %.1f× |\n", n, s, (s>0? b/1e6/s : 0), r/1024, (p>0? s/p : 0) }'
done
echo
echo "In-process (bench scan, reader + frame decoder + IKE payload walk, one core):"
echo "$scan"
