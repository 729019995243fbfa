#!/usr/bin/env bash
# Regenerates the forged technote captures: every captures/S*/scenario.json is forged into capture.pcap with its
# companion files beside it. Output is deterministic; ForgeTests.CommittedFolder_RegeneratesByteIdentical checks that
# the committed folders are what this script writes.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/PcapIke.Cli -c Release -v q -nologo >/dev/null
for scenario in captures/S*/scenario.json; do
    dir=$(dirname "$scenario")
    # Remove the previous output (not the scenario), so renamed files do not linger.
    find "$dir" -maxdepth 1 -type f ! -name scenario.json -delete
    dotnet run --no-build -c Release --project src/PcapIke.Cli -- forge "$scenario" -o "$dir/capture.pcap"
done
