#!/usr/bin/env bash
# record-strongswan.sh - record real IKE captures between two strongSwan daemons.
#
# Two charon daemons ("moon" = initiator, "sun" = responder) each run in their own network
# namespace (own /run via unshare -m + bind mount, own STRONGSWAN_CONF, vici socket, filelog),
# joined by a veth pair. Only documentation addresses are used:
#   link  192.0.2.1 (moon) <-> 192.0.2.2 (sun)
#   traffic selectors on lo: 198.51.100.0/24 (moon), 203.0.113.0/24 (sun)
# tcpdump records inside the moon namespace; the IKE keys are taken from charon's log
# (ike = 4, Debian has no save-keys plugin) and written as Wireshark key tables.
# The namespaces have no other interface and no default route, and IPv6 is off in them; a second,
# unfiltered tcpdump on the veth checks that no frame names an address outside the pair (the run
# fails otherwise). Namespace names carry this run's PID (pcapike-<pid>-moon/-sun), so runs do not
# collide; those left by a killed run (dead PID) are removed at the next start.
#
# Usage (as root):  tools/lab/record-strongswan.sh [scenario-id ...]
#   scenario ids: ikev2-aes-cbc ikev2-aes-gcm ikev1-main-mode ikev2-untrusted-ca
#                 ikev2-ip-fragments ikev2-skf          (default: all)
# Environment: OUT=dir (default <repo>/captures), KEEP_WORK=1 keeps the temp dir (private keys,
#              full charon logs) for debugging.
#              PING_THROUGH="id ..." pings through those scenarios' tunnel (ESP both ways) and keeps both
#              daemons' `swanctl --list-sas` (META_OUT/<id>.swanctl-list-sas.moon.txt / .sun.txt).
#              META_OUT=dir (optional, used by the CI fixture .ci/run): also writes there the public
#              certificates of the run (ca1.pem ca2.pem moon-ca1.pem sun-ca1.pem moon-ca2.pem
#              sun-ca2.pem), scenarios.tsv (what each scenario configured, expected and got, seconds)
#              and <id>.wire.pcap (the unfiltered veth capture). Nothing secret.
#              LAB_WATCH='command' (optional, .ci/run's pcapike watch): run with sh -c in moon's namespace for
#              each scenario, LAB_WATCH_ID=<id> LAB_WATCH_IFACE=<veth> in its environment, its stderr into
#              META_OUT/<id>.watch.err (or the work dir); negotiating starts once it has written a line there;
#              stopped with SIGINT when tcpdump is, META_OUT/<id>.watch-stop gets "seconds-to-exit exit-code".
# Needs: strongswan-charon strongswan-swanctl strongswan-pki libcharon-extra-plugins
#        libstrongswan-extra-plugins tcpdump iproute2 (tshark optional, used for verification).
set -euo pipefail

ALL_SCENARIOS=(ikev2-aes-cbc ikev2-aes-gcm ikev1-main-mode ikev2-untrusted-ca ikev2-ip-fragments ikev2-skf)

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$REPO/captures}
NS_MOON=pcapike-$$-moon
NS_SUN=pcapike-$$-sun
IF_MOON=veth-moon
IF_SUN=veth-sun
IP_MOON=192.0.2.1
IP_SUN=192.0.2.2
NET_MOON=198.51.100.0/24
NET_SUN=203.0.113.0/24
CHARON=/usr/lib/ipsec/charon
FILTER='udp port 500 or udp port 4500 or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6]==44)'
PLUGINS="random nonce openssl pem pkcs1 pkcs8 x509 constraints pubkey sha1 sha2 hmac kdf aes gcm gmp kernel-libipsec kernel-netlink socket-default vici"

die() { echo "record-strongswan: ERROR: $*" >&2; exit 1; }
log() { echo "record-strongswan: $*" >&2; }

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces, tcpdump)"
for t in ip pki swanctl tcpdump unshare timeout mount "$CHARON"; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (install the packages listed in the header)"
done
for p in kernel-libipsec vici openssl gcm; do
    [[ -e /usr/lib/ipsec/plugins/libstrongswan-$p.so ]] || die "missing strongSwan plugin $p"
done
[[ -c /dev/net/tun ]] || die "/dev/net/tun missing (kernel-libipsec needs it)"

if [[ $# -gt 0 ]]; then SCENARIOS=("$@"); else SCENARIOS=("${ALL_SCENARIOS[@]}"); fi
for s in "${SCENARIOS[@]}"; do
    [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || die "unknown scenario '$s' (known: ${ALL_SCENARIOS[*]})"
done

WORK=$(mktemp -d /tmp/pcapike-lab.XXXXXX)
TCPDUMP_PID=
WIRE_PID=
WATCH_PID=

stop_pid() { # pid timeout-seconds
    local pid=$1 t=$2 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < t * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

stop_daemons() {
    local n pid
    for n in moon sun; do
        pid=
        [[ -f $WORK/$n/charon.launcher.pid ]] && pid=$(cat "$WORK/$n/charon.launcher.pid")
        stop_pid "$pid" 5
        rm -f "$WORK/$n/charon.launcher.pid"
    done
}

teardown_net() {
    ip netns del "$NS_MOON" 2>/dev/null || true
    ip netns del "$NS_SUN" 2>/dev/null || true
}

# Namespaces of earlier runs that were killed before their trap ran (their PID is gone): end what
# still runs inside them and delete them.
reap_stale_netns() {
    local ns pid p
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^pcapike-[0-9]+-(moon|sun)$' || true); do
        pid=${ns#pcapike-}
        pid=${pid%%-*}
        [[ $pid != "$$" ]] && ! kill -0 "$pid" 2>/dev/null || continue
        log "removing namespace $ns left by a run that is gone (pid $pid)"
        for p in $(ip netns pids "$ns" 2>/dev/null || true); do kill -KILL "$p" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
}

cleanup() {
    local rc=$?
    set +e
    if [[ -n $TCPDUMP_PID ]]; then stop_pid "$TCPDUMP_PID" 5; fi
    if [[ -n $WIRE_PID ]]; then stop_pid "$WIRE_PID" 5; fi
    if [[ -n $WATCH_PID ]]; then kill -KILL -- "-$WATCH_PID" 2>/dev/null || true; fi
    stop_daemons
    teardown_net
    if [[ ${KEEP_WORK:-0} == 1 ]]; then log "work dir kept: $WORK (contains private keys)"; else rm -rf "$WORK"; fi
    [[ $rc -ne 0 ]] && echo "record-strongswan: FAILED (exit $rc)" >&2
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # timeout-seconds description command...
    local t=$1 what=$2 i
    shift 2
    for ((i = 0; i < t * 10; i++)); do "$@" && return 0; sleep 0.1; done
    die "timeout after ${t}s waiting for $what"
}

# The optional LAB_WATCH hook (see the header). Job control on while it starts: the job gets its own process
# group (stopped as a whole) and SIGINT's default disposition (a non-interactive shell's jobs ignore SIGINT).
start_watch() { # id
    [[ -n ${LAB_WATCH:-} ]] || return 0
    WATCH_ERR=${META_OUT:-$WORK}/$1.watch.err
    : >"$WATCH_ERR"
    set -m
    LAB_WATCH_ID=$1 LAB_WATCH_IFACE=$IF_MOON ip netns exec "$NS_MOON" sh -c "$LAB_WATCH" 2>"$WATCH_ERR" &
    WATCH_PID=$!
    set +m
    wait_for 30 "the LAB_WATCH command to start" test -s "$WATCH_ERR"
}
stop_watch() { # id
    [[ -n $WATCH_PID ]] || return 0
    local t0=$EPOCHREALTIME rc=0 i
    kill -INT -- "-$WATCH_PID" 2>/dev/null || true
    # (exited = gone or a zombie: this shell has not waited for it yet)
    for ((i = 0; i < 100; i++)); do [[ $(ps -o stat= -p "$WATCH_PID" 2>/dev/null) == [^Z]* ]] || break; sleep 0.02; done
    kill -0 "$WATCH_PID" 2>/dev/null && kill -KILL -- "-$WATCH_PID" 2>/dev/null
    wait "$WATCH_PID" || rc=$?
    WATCH_PID=
    printf '%s %s\n' "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')" "$rc" >"${META_OUT:-$WORK}/$1.watch-stop"
}

# ---------------------------------------------------------------------------------------------
# PKI: two CAs, identity certificates (RSA 2048)
# ---------------------------------------------------------------------------------------------
make_pki() {
    local d=$WORK/pki
    mkdir -p "$d"
    # minimal plugin set for pki (the default config also tries the tpm plugin)
    printf 'pki {\n    load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey gmp sha1 sha2\n}\n' >"$d/strongswan.conf"
    export STRONGSWAN_CONF=$d/strongswan.conf
    log "generating CAs and certificates (RSA 2048)"
    for ca in 1 2; do
        pki --gen --type rsa --size 2048 --outform pem >"$d/ca$ca.key"
        pki --self --ca --lifetime 3650 --in "$d/ca$ca.key" --type rsa --serial 0$ca \
            --dn "C=CH, O=PcapIke Lab, CN=Lab CA$ca" --outform pem >"$d/ca$ca.pem"
    done
    # name ca serial
    issue() {
        local name=$1 ca=$2 serial=$3
        pki --gen --type rsa --size 2048 --outform pem >"$d/$name-ca$ca.key"
        pki --pub --in "$d/$name-ca$ca.key" --type rsa |
            pki --issue --lifetime 1825 --cacert "$d/ca$ca.pem" --cakey "$d/ca$ca.key" --serial "$serial" \
                --dn "C=CH, O=PcapIke Lab, CN=$name.lab.example" --san "$name.lab.example" \
                --flag serverAuth --flag clientAuth --outform pem >"$d/$name-ca$ca.pem"
    }
    issue moon 1 11
    issue sun 1 12
    issue moon 2 21
    issue sun 2 22
    unset STRONGSWAN_CONF
}

# ---------------------------------------------------------------------------------------------
# Network: two namespaces + veth
# ---------------------------------------------------------------------------------------------
setup_net() { # mtu
    local mtu=$1
    teardown_net
    ip netns add "$NS_MOON"
    ip netns add "$NS_SUN"
    # IPv4 only: no IPv6 link-local addresses, router solicitations or MLD reports on the veth
    for ns in "$NS_MOON" "$NS_SUN"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
            2>/dev/null || true
    done
    ip link add "$IF_MOON" netns "$NS_MOON" type veth peer name "$IF_SUN" netns "$NS_SUN"
    ip -n "$NS_MOON" link set "$IF_MOON" mtu "$mtu"
    ip -n "$NS_SUN" link set "$IF_SUN" mtu "$mtu"
    ip -n "$NS_MOON" addr add "$IP_MOON/24" dev "$IF_MOON"
    ip -n "$NS_SUN" addr add "$IP_SUN/24" dev "$IF_SUN"
    ip -n "$NS_MOON" addr add 198.51.100.1/24 dev lo
    ip -n "$NS_SUN" addr add 203.0.113.1/24 dev lo
    for ns in "$NS_MOON" "$NS_SUN"; do ip -n "$ns" link set lo up; done
    ip -n "$NS_MOON" link set "$IF_MOON" up
    ip -n "$NS_SUN" link set "$IF_SUN" up
    # no default route anywhere: the namespaces can only reach each other
}

# ---------------------------------------------------------------------------------------------
# Daemon configuration
# ---------------------------------------------------------------------------------------------
# write_daemon name fragment_size
write_strongswan_conf() {
    local n=$1 frag=$2 d=$WORK/$1
    cat >"$d/strongswan.conf" <<EOF
# generated by record-strongswan.sh
charon {
    load = $PLUGINS
    fragment_size = $frag
    install_routes = yes
    retransmit_tries = 2
    retransmit_timeout = 2.0
    filelog {
        main {
            path = $d/charon.log
            time_format = %b %e %T
            default = 1
            ike = 4
            cfg = 2
            append = no
            flush_line = yes
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
    plugins {
        vici {
            socket = unix://$d/charon.vici
        }
    }
}
swanctl {
    load = pem pkcs1 pkcs8 x509 openssl
}
EOF
}

# write_swanctl_conf name version ike_proposal esp_proposal fragmentation cert
write_swanctl_conf() {
    local n=$1 ver=$2 ike=$3 esp=$4 frag=$5 cert=$6 d=$WORK/$1/swanctl
    local local_addr remote_addr local_id remote_id local_ts remote_ts
    if [[ $n == moon ]]; then
        local_addr=$IP_MOON remote_addr=$IP_SUN local_ts=$NET_MOON remote_ts=$NET_SUN
        local_id=moon.lab.example remote_id=sun.lab.example
    else
        local_addr=$IP_SUN remote_addr=$IP_MOON local_ts=$NET_SUN remote_ts=$NET_MOON
        local_id=sun.lab.example remote_id=moon.lab.example
    fi
    cat >"$d/swanctl.conf" <<EOF
# generated by record-strongswan.sh
connections {
    lab {
        version = $ver
        local_addrs = $local_addr
        remote_addrs = $remote_addr
        proposals = $ike
        aggressive = no
        fragmentation = $frag
        send_certreq = yes
        send_cert = always
        local {
            auth = pubkey
            certs = $cert
            id = $local_id
        }
        remote {
            auth = pubkey
            id = $remote_id
        }
        children {
            net {
                mode = tunnel
                local_ts = $local_ts
                remote_ts = $remote_ts
                esp_proposals = $esp
                start_action = none
            }
        }
    }
}
EOF
}

prepare_daemon() { # name trusted-cas("1 2") cert-file(basename) frag_size version ike esp fragmentation
    local n=$1 cas=$2 cert=$3 fsize=$4 ver=$5 ike=$6 esp=$7 frag=$8 d=$WORK/$1 ca
    rm -rf "$d"
    mkdir -p "$d/run" "$d/swanctl/x509ca" "$d/swanctl/x509" "$d/swanctl/private"
    chmod 700 "$d/swanctl/private"
    for ca in $cas; do cp "$WORK/pki/ca$ca.pem" "$d/swanctl/x509ca/"; done
    cp "$WORK/pki/$cert.pem" "$d/swanctl/x509/"
    cp "$WORK/pki/$cert.key" "$d/swanctl/private/"
    write_strongswan_conf "$n" "$fsize"
    write_swanctl_conf "$n" "$ver" "$ike" "$esp" "$frag" "$cert.pem"
}

start_daemon() { # name namespace
    local n=$1 ns=$2 d=$WORK/$1
    # own mount namespace: charon always writes /var/run/charon.pid (-> /run)
    ip netns exec "$ns" unshare -m --propagation private \
        sh -c 'mount --bind "$1/run" /run && STRONGSWAN_CONF="$1/strongswan.conf" exec "$2"' \
        sh "$d" "$CHARON" >"$d/charon.stdout" 2>&1 &
    echo $! >"$d/charon.launcher.pid"
    wait_for 15 "$n charon vici socket" test -S "$d/charon.vici"
    SWANCTL_DIR=$d/swanctl STRONGSWAN_CONF=$d/strongswan.conf \
        timeout 20 swanctl --load-all --noprompt --uri "unix://$d/charon.vici" >"$d/load.out" 2>&1 ||
        { cat "$d/load.out" >&2; die "swanctl --load-all failed for $n"; }
}

# ---------------------------------------------------------------------------------------------
# Key tables from charon's log
# ---------------------------------------------------------------------------------------------
# Print the hex blob of the first "<label> %B" dump in the log (charon prints %B as
# "<label> => N bytes @ 0x..." followed by lines "   0: 0011 2233 ...  ascii").
log_blobs() { # logfile label  -> one hex string per occurrence
    awk -v label="$2" '
        function flush() { if (inblob) { print hex; inblob = 0; hex = "" } }
        {
            line = $0
            if (index(line, label " => ") > 0) { flush(); inblob = 1; hex = ""; want = line;
                sub(/.* => /, "", want); sub(/ bytes.*/, "", want); want += 0; next }
            if (inblob) {
                if (match(line, /^.*[ \t]+[0-9]+: /)) {
                    rest = substr(line, RLENGTH + 1)
                    # hex part: up to 16 bytes as "XX " groups, then ascii
                    h = substr(rest, 1, 48); gsub(/[^0-9A-Fa-f]/, "", h)
                    hex = hex h
                    if (length(hex) >= 2 * want) { hex = substr(hex, 1, 2 * want); flush() }
                } else flush()
            }
        }
        END { flush() }' "$1" | tr 'A-F' 'a-f'
}

# SPIs / cookies: NAT-D hash input "natd_chunk" = SPIi | SPIr | IP | port (IKEv2; IKEv1 uses
# CKY-I | CKY-R the same way). The first chunk with a non-zero SPIr holds both.
log_spis() { # logfile -> "spii spir"
    log_blobs "$1" "natd_chunk" | awk 'substr($0, 17, 16) != "0000000000000000" {
        print substr($0, 1, 16), substr($0, 17, 16); exit }'
}

build_ikev2_table() { # logfile enc integ outfile
    local logf=$1 enc=$2 integ=$3 out=$4 spii spir ei er ai ar
    read -r spii spir < <(log_spis "$logf") || true
    [[ -n $spii && -n $spir ]] || die "no SPIs (natd_chunk) in $logf (ike log level 4?)"
    ei=$(log_blobs "$logf" "Sk_ei secret" | head -1)
    er=$(log_blobs "$logf" "Sk_er secret" | head -1)
    ai=$(log_blobs "$logf" "Sk_ai secret" | head -1)
    ar=$(log_blobs "$logf" "Sk_ar secret" | head -1)
    [[ -n $ei && -n $er ]] || die "no Sk_ei/Sk_er in $logf"
    printf '%s,%s,%s,%s,"%s",%s,%s,"%s"\n' "$spii" "$spir" "$ei" "$er" "$enc" "$ai" "$ar" "$integ" >"$out"
}

build_ikev1_table() { # logfile outfile
    local logf=$1 out=$2 ka icookie rcookie
    ka=$(log_blobs "$logf" "encryption key Ka" | head -1)
    [[ -n $ka ]] || die "no 'encryption key Ka' in $logf (ike log level 4?)"
    read -r icookie rcookie < <(log_spis "$logf") || true
    [[ -n $icookie ]] || die "no cookies (natd_chunk) in $logf"
    printf '%s,%s\n' "$icookie" "$ka" >"$out"
}

# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------
run_scenario() {
    local id=$1
    # default: jumbo veth MTU and a fragment_size above every message, so that IKE_AUTH travels
    # whole (an IKE_AUTH with an RSA 2048 certificate is ~1.6 kB, more than 1500 or 1280)
    local ver=2 ike esp frag=yes fsize=8192 mtu=9000 moon_cert=moon-ca1 sun_cas="1 2"
    local expect=established enc="" integ=""
    case $id in
    ikev2-aes-cbc)
        ike=aes256-sha256-modp2048 esp=aes256-sha256
        enc="AES-CBC-256 [RFC3602]" integ="HMAC_SHA2_256_128 [RFC4868]" ;;
    ikev2-aes-gcm)
        ike=aes256gcm16-prfsha256-ecp256 esp=aes256gcm16
        enc="AES-GCM-256 with 16 octet ICV [RFC5282]" integ="NONE [RFC4306]" ;;
    ikev1-main-mode)
        ver=1 ike=aes128-sha1-modp2048 esp=aes128-sha1-modp2048 ;;
    ikev2-untrusted-ca)
        ike=aes256-sha256-modp2048 esp=aes256-sha256 moon_cert=moon-ca2 sun_cas="1" expect=failed
        enc="AES-CBC-256 [RFC3602]" integ="HMAC_SHA2_256_128 [RFC4868]" ;;
    ikev2-ip-fragments)
        ike=aes256-sha256-modp2048 esp=aes256-sha256 frag=no mtu=576 fsize=0
        enc="AES-CBC-256 [RFC3602]" integ="HMAC_SHA2_256_128 [RFC4868]" ;;
    ikev2-skf)
        ike=aes256-sha256-modp2048 esp=aes256-sha256 frag=yes fsize=576 mtu=1500
        enc="AES-CBC-256 [RFC3602]" integ="HMAC_SHA2_256_128 [RFC4868]" ;;
    esac

    log "=== scenario $id (IKEv$ver, $ike, fragmentation=$frag, fragment_size=$fsize, mtu=$mtu)"
    local dst=$OUT/strongswan-$id started=$SECONDS
    CAP=$WORK/$id.pcap
    WIRE=$WORK/$id.wire.pcap
    setup_net "$mtu"
    prepare_daemon moon "1 2" "$moon_cert" "$fsize" "$ver" "$ike" "$esp" "$frag"
    prepare_daemon sun "$sun_cas" sun-ca1 "$fsize" "$ver" "$ike" "$esp" "$frag"

    ip netns exec "$NS_MOON" tcpdump -i "$IF_MOON" -U -n -s 0 -w "$CAP" "$FILTER" 2>"$WORK/tcpdump.err" &
    TCPDUMP_PID=$!
    # everything on the link, to check that nothing but the pair's addresses was ever used
    ip netns exec "$NS_MOON" tcpdump -i "$IF_MOON" -U -n -s 0 -w "$WIRE" 2>"$WORK/wire.err" &
    WIRE_PID=$!
    wait_for 10 "tcpdump to listen" grep -q "listening on" "$WORK/tcpdump.err"
    wait_for 10 "tcpdump (wire) to listen" grep -q "listening on" "$WORK/wire.err"
    start_watch "$id"

    start_daemon sun "$NS_SUN"
    start_daemon moon "$NS_MOON"

    local rc=0
    SWANCTL_DIR=$WORK/moon/swanctl STRONGSWAN_CONF=$WORK/moon/strongswan.conf \
        timeout 40 swanctl --initiate --child net --timeout 30 --uri "unix://$WORK/moon/charon.vici" \
        >"$WORK/$id.initiate" 2>&1 || rc=$?
    sleep 1 # let the last message (IKEv1 QM3, IKEv2 error notify) reach the wire
    [[ " ${PING_THROUGH:-} " == *" $id "* && $rc -eq 0 ]] && ping_through_tunnel "$id"
    stop_watch "$id"
    stop_pid "$TCPDUMP_PID" 5
    wait "$TCPDUMP_PID" 2>/dev/null || true
    TCPDUMP_PID=
    stop_pid "$WIRE_PID" 5
    wait "$WIRE_PID" 2>/dev/null || true
    WIRE_PID=

    local sas
    sas=$(SWANCTL_DIR=$WORK/moon/swanctl timeout 10 swanctl --list-sas --uri "unix://$WORK/moon/charon.vici" 2>&1 || true)
    stop_daemons
    teardown_net

    local outcome
    if [[ $rc -eq 0 ]] && grep -q "ESTABLISHED" <<<"$sas"; then outcome=established; else outcome=failed; fi
    if [[ $outcome != "$expect" ]]; then
        cat "$WORK/$id.initiate" >&2
        die "scenario $id: expected $expect, got $outcome (swanctl rc=$rc)"
    fi
    log "scenario $id: $outcome (as expected)"
    if [[ $expect == failed ]]; then
        grep -q AUTHENTICATION_FAILED "$WORK/moon/charon.log" ||
            die "scenario $id: no AUTHENTICATION_FAILED in the initiator's log"
    fi

    rm -rf "$dst"
    mkdir -p "$dst"
    cp "$CAP" "$dst/capture.pcap"
    if [[ $ver == 1 ]]; then
        build_ikev1_table "$WORK/moon/charon.log" "$dst/ikev1_decryption_table"
    else
        build_ikev2_table "$WORK/moon/charon.log" "$enc" "$integ" "$dst/ikev2_decryption_table"
    fi
    for n in moon sun; do
        [[ ! -f $WORK/$id.list-sas.$n ]] || cp "$WORK/$id.list-sas.$n" "${META_OUT:-$dst}/$id.swanctl-list-sas.$n.txt"
    done
    cp "$WORK/pki/ca1.pem" "$dst/ca1.pem"
    cp "$WORK/pki/ca2.pem" "$dst/ca2.pem"
    # trimmed, non-secret log lines (initiator and responder): from the first IKE packet on,
    # without hex dumps (keys, nonces, DH secrets, NAT-D inputs)
    for n in moon sun; do
        sed -nE '/initiating|received packet/,$p' "$WORK/$n/charon.log" |
            grep -vE '\] +[0-9]+: |=> [0-9]+ bytes|secret|SKEYID|Ka |SIGTERM|shutting down' \
                >"$dst/charon-$n.trimmed.log" || true
    done
    verify_capture "$id" "$dst" "$ver"
    verify_wire "$id"
    write_readme "$id" "$dst" "$ver" "$ike" "$esp" "$frag" "$fsize" "$mtu" "$moon_cert" "$sun_cas" "$outcome"
    local took=$((SECONDS - started))
    log "scenario $id: recorded in ${took}s"
    if [[ -n ${META_OUT:-} ]]; then
        cp "$WIRE" "$META_OUT/$id.wire.pcap"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$ver" "$ike" "$esp" "$frag" "$fsize" "$mtu" \
            "$moon_cert.pem" "sun-ca1.pem" "$(for c in $sun_cas; do printf 'ca%s.pem ' "$c"; done | sed 's/ $//; s/ /,/g')" \
            "$expect" "$outcome" "$took" >>"$META_OUT/scenarios.tsv"
    fi
    if [[ ${KEEP_WORK:-0} == 1 ]]; then
        cp "$WORK/moon/charon.log" "$WORK/$id.moon.log"
        cp "$WORK/sun/charon.log" "$WORK/$id.sun.log"
    fi
}

# PING_THROUGH="id ...": once the tunnel is up, 5 pings between the traffic selectors' addresses (ESP both ways,
# in UDP 4500 with kernel-libipsec), then both daemons' `swanctl --list-sas` (bytes/packets per SPI) into
# $WORK/<id>.list-sas.<moon|sun>, copied to META_OUT (else beside the capture) as <id>.swanctl-list-sas.<moon|sun>.txt.
ping_through_tunnel() { # id
    local id=$1 n
    ip netns exec "$NS_MOON" ping -c 5 -i 0.2 -W 2 -I 198.51.100.1 203.0.113.1 >"$WORK/$id.ping" 2>&1 ||
        { cat "$WORK/$id.ping" >&2; die "scenario $id: no ping through the tunnel"; }
    sleep 1.5 # tcpdump hands packets over in blocks: let the last replies reach the file before it is stopped
    for n in moon sun; do
        SWANCTL_DIR=$WORK/$n/swanctl timeout 10 swanctl --list-sas --uri "unix://$WORK/$n/charon.vici" \
            >"$WORK/$id.list-sas.$n" 2>&1 || die "scenario $id: swanctl --list-sas failed for $n"
    done
    log "scenario $id: $(grep -c 'bytes_from\|icmp_seq' "$WORK/$id.ping") pings answered through the tunnel"
}

# With tshark available: check that the key table really decrypts the capture.
verify_capture() { # id dst version
    local id=$1 dst=$2 ver=$3 prof out want
    command -v tshark >/dev/null 2>&1 || { log "tshark not found, skipping decryption check"; return 0; }
    prof=$WORK/tshark-profile
    rm -rf "$prof" && mkdir -p "$prof/wireshark"
    cp "$dst"/ikev*_decryption_table "$prof/wireshark/"
    out=$(XDG_CONFIG_HOME=$prof timeout 60 tshark -r "$dst/capture.pcap" -Y isakmp -V 2>/dev/null) ||
        die "scenario $id: tshark failed on the capture"
    if [[ $ver == 1 ]]; then want='Payload: Signature \(9\)'; else want='Payload: (Authentication \(39\)|Notify \(41\) - AUTHENTICATION_FAILED)'; fi
    grep -qE "$want" <<<"$out" || die "scenario $id: tshark does not decrypt the capture with the key table"
    log "scenario $id: $(tshark -r "$dst/capture.pcap" 2>/dev/null | wc -l) frames, tshark decrypts with the key table"
}

# No frame on the link names an address outside the veth pair: IPv4 between the two peers, ARP
# between them, nothing else (no IPv6, no other protocol).
verify_wire() { # id
    local id=$1 a b hex offenders
    a=$(printf '0x%02x%02x%02x%02x' ${IP_MOON//./ })
    b=$(printf '0x%02x%02x%02x%02x' ${IP_SUN//./ })
    hex="(arp[14:4] = $a or arp[14:4] = $b) and (arp[24:4] = $a or arp[24:4] = $b)"
    offenders=$(tcpdump -r "$WIRE" -n "not ((ip and (src host $IP_MOON or src host $IP_SUN) and (dst host $IP_MOON or dst host $IP_SUN)) or (arp and $hex))" 2>/dev/null) ||
        die "scenario $id: tcpdump cannot read the wire capture"
    [[ -z $offenders ]] || { echo "$offenders" | head -20 >&2; die "scenario $id: frames outside the veth pair's addresses"; }
    log "scenario $id: $(tcpdump -r "$WIRE" -n 2>/dev/null | wc -l) frames on the link, all between $IP_MOON and $IP_SUN"
}

write_readme() {
    local id=$1 dst=$2 ver=$3 ike=$4 esp=$5 frag=$6 fsize=$7 mtu=$8 moon_cert=$9 sun_cas=${10} outcome=${11}
    local desc table
    case $id in
    ikev2-aes-cbc) desc="IKEv2 with RSA certificates, IKE proposal aes256-sha256-modp2048 (AES-CBC-256, HMAC-SHA2-256-128, PRF-HMAC-SHA2-256, MODP-2048). IKE_SA_INIT, then IKE_AUTH (IDi/IDr, CERT, CERTREQ, AUTH, SA, TSi/TSr). Expected outcome: IKE_SA and CHILD_SA established." ;;
    ikev2-aes-gcm) desc="IKEv2 with RSA certificates, IKE proposal aes256gcm16-prfsha256-ecp256 (AES-GCM-256 with 16-octet ICV, PRF-HMAC-SHA2-256, ECP-256, no integrity transform). IKE_SA_INIT, then IKE_AUTH. Expected outcome: IKE_SA and CHILD_SA established." ;;
    ikev1-main-mode) desc="IKEv1 Main Mode (aggressive = no) with RSA signatures (certificates), IKE proposal aes128-sha1-modp2048, followed by Quick Mode (esp aes128-sha1-modp2048, PFS). Main Mode messages 5/6 (ID, CERT, SIG) and Quick Mode are encrypted. Expected outcome: ISAKMP SA and IPsec SA established." ;;
    ikev2-untrusted-ca) desc="IKEv2 with RSA certificates, aes256-sha256-modp2048. The responder (sun) trusts only Lab CA1; the initiator (moon) presents a certificate issued by Lab CA2. IKE_SA_INIT succeeds; the IKE_AUTH response carries an AUTHENTICATION_FAILED notify. Expected outcome: failed (AUTHENTICATION_FAILED)." ;;
    ikev2-ip-fragments) desc="IKEv2 with RSA certificates, aes256-sha256-modp2048, fragmentation = no (no RFC 7383 support announced) and veth MTU $mtu: the IKE_AUTH messages (certificates) exceed the MTU and travel as IPv4 fragments (UDP datagram reassembled by the IP layer). Expected outcome: IKE_SA and CHILD_SA established." ;;
    ikev2-skf) desc="IKEv2 with RSA certificates, aes256-sha256-modp2048, fragmentation = yes and fragment_size = $fsize: both peers announce IKEV2_FRAGMENTATION_SUPPORTED in IKE_SA_INIT and the IKE_AUTH messages are sent as RFC 7383 Encrypted Fragment (SKF) payloads, each fragment encrypted separately. Expected outcome: IKE_SA and CHILD_SA established." ;;
    esac
    if [[ $ver == 1 ]]; then table=ikev1_decryption_table; else table=ikev2_decryption_table; fi
    cat >"$dst/README.md" <<EOF
# strongswan-$id

$desc

- Recorded by \`tools/lab/record-strongswan.sh $id\` (strongSwan $(/usr/lib/ipsec/charon --version 2>/dev/null | awk '{print $NF}' || true), two charon daemons in separate network namespaces joined by a veth pair, captured with tcpdump inside the initiator's namespace).
- Initiator "moon" 192.0.2.1 (\`C=CH, O=PcapIke Lab, CN=moon.lab.example\`, issued by $( [[ $moon_cert == moon-ca2 ]] && echo "Lab CA2" || echo "Lab CA1")), responder "sun" 192.0.2.2 (\`CN=sun.lab.example\`, Lab CA1); sun trusts: $(for c in $sun_cas; do printf 'Lab CA%s' "$c"; [[ $c == "${sun_cas##* }" ]] || printf ', '; done). RSA 2048 keys. Traffic selectors 198.51.100.0/24 <-> 203.0.113.0/24 (tunnel mode, kernel-libipsec userspace ESP; $( [[ " ${PING_THROUGH:-} " == *" $id "* ]] && echo "ESP of 5 pings recorded" || echo "no ESP traffic recorded")).
- Settings: IKE proposal \`$ike\`, ESP proposal \`$esp\`, fragmentation = $frag, charon.fragment_size = $fsize, veth MTU $mtu.
- Outcome at recording time: **$outcome**.
- Note: kernel-libipsec (userspace ESP, used because this kernel has no XFRM ESP support) makes strongSwan require UDP encapsulation, so the initiator sends a *faked* NAT_DETECTION_SOURCE_IP, both peers report "behind NAT" and the exchanges after IKE_SA_INIT use UDP 4500 (non-ESP marker). There is no real NAT. $( [[ " ${PING_THROUGH:-} " == *" $id "* ]] && echo "5 pings crossed the tunnel (PING_THROUGH): ESP in UDP 4500 both ways, and the capture stops after them." || echo "No ESP traffic was sent; the capture stops after the negotiation.")
- Files: \`capture.pcap\` (tcpdump, filter \`$FILTER\`), \`$table\` (Wireshark key table built from charon's \`ike = 4\` log; keys are throw-away lab keys), \`ca1.pem\`/\`ca2.pem\` (Lab CA1/CA2), \`charon-moon.trimmed.log\`/\`charon-sun.trimmed.log\` (non-secret log lines). Private keys are not included.
- Decrypt with tshark 4.0: \`mkdir -p /tmp/prof/wireshark && cp $table /tmp/prof/wireshark/ && XDG_CONFIG_HOME=/tmp/prof tshark -r capture.pcap -V -Y isakmp\`
EOF
}

reap_stale_netns
make_pki
mkdir -p "$OUT"
if [[ -n ${META_OUT:-} ]]; then
    mkdir -p "$META_OUT"
    rm -f "$META_OUT"/*.pem "$META_OUT"/*.wire.pcap
    for f in ca1 ca2 moon-ca1 sun-ca1 moon-ca2 sun-ca2; do cp "$WORK/pki/$f.pem" "$META_OUT/$f.pem"; done
    printf 'id\tversion\tike\tesp\tfragmentation\tfragment_size\tmtu\tmoon_cert\tsun_cert\tsun_trusts\texpected\toutcome\tseconds\n' \
        >"$META_OUT/scenarios.tsv"
fi
for s in "${SCENARIOS[@]}"; do run_scenario "$s"; done
log "done: ${SCENARIOS[*]} -> $OUT in ${SECONDS}s"
