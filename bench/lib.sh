# Shared set-up of the whole-process benchmark scripts (sourced): needs $repo and $work. Builds the bench tool and
# publishes the CLI as the tool is installed — ReadyToRun, framework-dependent (docs/scale.md) — into $work/cli;
# sets $bench and $pcapike.
bench_setup() {
  bench="$repo/bench/PcapIke.Bench/bin/Release/net10.0/PcapIke.Bench.dll"
  [ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }
  dotnet build -c Release "$repo/bench/PcapIke.Bench" -v q -nologo >/dev/null
  dotnet publish -c Release "$repo/src/PcapIke.Cli" -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$work/cli" -v q -nologo >/dev/null
  pcapike="$work/cli/PcapIke.Cli"
}
