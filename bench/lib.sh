# Shared set-up of the whole-process benchmark scripts (sourced): needs $repo and $work. Builds the bench tool and
# publishes the CLI as the tool is installed — compiled ahead of time, one native executable (Native AOT: README
# "Install", docs/scale.md "Publishing"; ~1 minute, needs clang or gcc) — into $work/cli; sets $bench and $pcapike.
# For comparison: PUBLISH=r2r publishes it self-contained as one ReadyToRun composite image (the form without a C
# toolchain; ~2 minutes), PUBLISH=fd framework-dependent ReadyToRun (the earliest form).
bench_setup() {
  bench="$repo/bench/PcapIke.Bench/bin/Release/net10.0/PcapIke.Bench.dll"
  [ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install -y time)" >&2; exit 1; }
  dotnet build -c Release "$repo/bench/PcapIke.Bench" -v q -nologo >/dev/null
  # a composite and a framework-dependent publish must not share intermediate files (a mixed one aborts at start)
  rm -rf "$repo"/src/*/obj/Release/net10.0/linux-x64 "$repo"/src/*/bin/Release/net10.0/linux-x64
  rm -rf "$work/cli"
  case "${PUBLISH:-aot}" in
    fd) dotnet publish -c Release "$repo/src/PcapIke.Cli" -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
          -o "$work/cli" -v q -nologo >/dev/null ;;
    r2r) dotnet publish -c Release "$repo/src/PcapIke.Cli" -r linux-x64 --self-contained -o "$work/cli" -v q -nologo >/dev/null ;;
    *) dotnet publish -c Release "$repo/src/PcapIke.Cli" -r linux-x64 -p:PublishAot=true -o "$work/cli" -v q -nologo >/dev/null ;;
  esac
  pcapike="$work/cli/PcapIke.Cli"
}
