#!/usr/bin/env bash
# Writes the imperfect captures of the evidence tests (tests/PcapIke.Tests/TestSupport/ImperfectCaptures.cs) into DIR:
# bundled captures with an IP fragment lost, an RFC 7383 fragment lost, one direction only, a short snap length, an
# encrypted IKEv1 answer after MM5, three attempts with new SPIs, a damaged MM1 header. Open them in Wireshark or run
# `pcapike analyze DIR/NAME.pcap` to see what the tests pin.
set -euo pipefail
dir=${1:?usage: tools/imperfect-captures.sh DIR}
mkdir -p "$dir"
cd "$(dirname "$0")/.."
PCAPIKE_IMPERFECT_OUT=$(cd "$dir" && pwd) dotnet test tests/PcapIke.Tests -c Release \
    --filter "FullyQualifiedName~ImperfectCaptureTests.Corpus_WritesEveryCase" --nologo -v q
ls -1 "$dir"
