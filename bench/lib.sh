# Shared set-up of the whole-process benchmark scripts (sourced): needs $repo and $work. Builds the bench tool and
# publishes the CLI as the tool is installed — self-contained, which the project precompiles as one ReadyToRun composite
# image of the framework and the tool (README "Install", docs/scale.md "Publishing"; ~2 minutes) — into $work/cli;
# sets $bench and $pcapike. PUBLISH=fd publishes the earlier way (framework-dependent ReadyToRun) for comparison.
bench_setup() {
  bench="$repo/bench/PcapIke.Bench/bin/Release/net10.0/PcapIke.Bench.dll"
  [ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }
  dotnet build -c Release "$repo/bench/PcapIke.Bench" -v q -nologo >/dev/null
  # a composite and a framework-dependent publish must not share intermediate files (a mixed one aborts at start)
  rm -rf "$repo"/src/*/obj/Release/net10.0/linux-x64 "$repo"/src/*/bin/Release/net10.0/linux-x64
  if [ "${PUBLISH:-}" = fd ]; then
    dotnet publish -c Release "$repo/src/PcapIke.Cli" -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      -o "$work/cli" -v q -nologo >/dev/null
  else
    dotnet publish -c Release "$repo/src/PcapIke.Cli" -r linux-x64 --self-contained -o "$work/cli" -v q -nologo >/dev/null
  fi
  pcapike="$work/cli/PcapIke.Cli"
}
