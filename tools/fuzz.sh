#!/usr/bin/env bash
# Coverage-guided fuzzing of PcapIke's input readers with SharpFuzz + AFL++ (issue 14).
#
#   tools/fuzz.sh TARGET SECONDS [--save]     one target: capture, keytable, charonlog, ios, scenario, debug
#   tools/fuzz.sh all SECONDS [--save]        every target, SECONDS split evenly between them
#
# Needs: the .NET SDK, AFL++ (Debian: apt-get install afl++) and the sharpfuzz tool
# (dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0; the script installs it when missing).
# The harness is fuzz/PcapIke.Fuzz (targets in FuzzTargets.cs); PcapIke.dll is instrumented with sharpfuzz in a copy
# of the build. Seeds: the repository's captures/ and ../shared/captures/ (files under 64 KiB), the key tables,
# charon logs, IOS pastes and scenario files beside them, fuzz/corpus/seeds/TARGET/ (the capture target's text
# dumps) and every input in fuzz/corpus/crashes/TARGET/.
# Work goes to $FUZZ_OUT (default: a new folder under /tmp). Each target prints one line:
#   fuzz TARGET: N execs in S s, C crashes, H hangs (OUT/TARGET)
# and, when FUZZ_RESULT is set, appends it to that file (.ci/run does, and FuzzCorpusReplayTests checks it).
# With --save, the crash inputs are copied to fuzz/corpus/crashes/TARGET/ (commit them: the replay test runs them).
# Exit code: 0 when no target found a crash, 1 when one did, 2 on a setup failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-}; seconds=${2:-}; save=${3:-}
targets=(capture keytable charonlog ios scenario debug)
if [ -z "$target" ] || ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: tools/fuzz.sh TARGET|all SECONDS [--save]; targets: ${targets[*]}" >&2; exit 2
fi
if [ "$target" = all ]; then run=("${targets[@]}"); per=$(( seconds / ${#targets[@]} )); [ "$per" -lt 5 ] && per=5
else
  [[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz: unknown target $target; targets: ${targets[*]}" >&2; exit 2; }
  run=("$target"); per=$seconds
fi
command -v afl-fuzz >/dev/null || { echo "fuzz: afl-fuzz not found (Debian: apt-get install afl++)" >&2; exit 2; }
export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0 >/dev/null || { echo "fuzz: cannot install the sharpfuzz tool" >&2; exit 2; }
fi
out=${FUZZ_OUT:-$(mktemp -d /tmp/pcapike-fuzz.XXXXXX)}
mkdir -p "$out"
bin="$out/bin"
if ! dotnet build "$root/fuzz/PcapIke.Fuzz" -c Release -o "$bin" -v q -nologo >"$out/build.log" 2>&1; then
  echo "fuzz: build failed:"; cat "$out/build.log"; exit 2
fi
sharpfuzz "$bin/PcapIke.dll" >"$out/instrument.log" 2>&1 || { echo "fuzz: sharpfuzz failed:"; cat "$out/instrument.log"; exit 2; }

seeds() {   # seeds TARGET DIR: copies the target's seed files into DIR
  local t=$1 dir=$2 shared="$root/../shared/captures"
  mkdir -p "$dir"
  case $t in
    capture)   find "$root/captures" "$shared" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' -o -name '*.gz' -o -name '*dump*.txt' \) -size -64k 2>/dev/null ;;
    keytable)  find "$root/captures" -type f -name 'ikev*_decryption_table' -size -64k ;;
    charonlog) find "$root/captures" "$root/tests" -type f -name 'charon*.log' -size -64k ;;
    ios)       find "$root/captures" "$root/tests/PcapIke.Tests/Model/Resources" -type f \( -name 'R*-running-config.txt' -o -name '*show*.txt' -o -name 'technote-*.md' \) -size -64k 2>/dev/null ;;
    scenario)  find "$root/captures" -type f -name 'scenario.json' -size -64k ;;
    debug)     find "$root/captures" "$root/tests/PcapIke.Tests/Model/Resources" -type f \( -name 'R*-debug.txt' -o -name 'technote-debug-*.txt' \) -size -64k 2>/dev/null ;;
  esac | sort | head -40 | while read -r f; do cp "$f" "$dir/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"; done
  [ -d "$root/fuzz/corpus/seeds/$t" ] && find "$root/fuzz/corpus/seeds/$t" -type f -exec cp {} "$dir/" \;
  [ -d "$root/fuzz/corpus/crashes/$t" ] && find "$root/fuzz/corpus/crashes/$t" -type f -exec cp {} "$dir/" \;
  [ -n "$(ls -A "$dir")" ] || echo seed >"$dir/seed"
}

found=0
for t in "${run[@]}"; do
  rm -rf "$out/$t"; seeds "$t" "$out/$t/in"
  AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  AFL_FAST_CAL=1 AFL_SKIP_CRASHES=1 \
    timeout -k 10 $(( per + 60 )) afl-fuzz -i "$out/$t/in" -o "$out/$t/out" -V "$per" -t 5000 -m none \
      -- dotnet "$bin/PcapIke.Fuzz.dll" "$t" >"$out/$t/afl.log" 2>&1
  stats="$out/$t/out/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "fuzz $t: afl-fuzz did not start; its log:"; tail -30 "$out/$t/afl.log"
    line="fuzz $t: FAILED to start"; found=1
  else
    get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    crashes=$(find "$out/$t/out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
    hangs=$(find "$out/$t/out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
    line="fuzz $t: $(get execs_done) execs in $(get run_time) s, $crashes crashes, $hangs hangs, $(get corpus_count) paths ($out/$t)"
    [ "$crashes" -gt 0 ] && found=1
    if [ "$crashes" -gt 0 ] && [ "$save" = --save ]; then
      mkdir -p "$root/fuzz/corpus/crashes/$t"
      for c in "$out/$t/out/default/crashes"/id:*; do cp "$c" "$root/fuzz/corpus/crashes/$t/$(sha256sum "$c" | cut -c1-16)"; done
    fi
  fi
  echo "$line"
  [ -n "${FUZZ_RESULT:-}" ] && echo "$line" >>"$FUZZ_RESULT"
done
exit $found
