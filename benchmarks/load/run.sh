#!/usr/bin/env bash
# Side-by-side load test (issue #8): kubedns serve, with each of its server engines, against Knot DNS serving the
# very same records, under the same dnsperf query mix, over UDP and TCP on 127.0.0.1.
#
#   1. Generates a cluster (1,000 services in 20 namespaces, 100 headless with 5 endpoints, two named ports) as
#      Kubernetes manifests, with the dnsperf input (per 110 queries: 70 A, 30 SRV, 10 NXDOMAIN search-path
#      artefacts) and a sample of questions of every kind.
#   2. Exports the cluster zone with `kubedns zone` and serves it from knotd (minimal knot.conf in a temp dir).
#   3. Starts `kubedns serve` per engine, compares its answers to the sample with Knot's (dig, answer section and
#      rcode, sorted), then runs dnsperf RUNS times for DURATION seconds per transport.
#   4. Prints one table: q/s (median, min, max), server CPU per query (utime+stime from /proc/PID/stat over the
#      run, divided by completed queries), lost queries, and each engine's ratio to Knot.
# Everything it starts it stops by process id (trap on EXIT/INT/TERM).
#
# Needs: dotnet (the repository's SDK), Debian's `dnsperf`, `knot` and `bind9-dnsutils` (dig), and `ss`.
#   sudo apt-get install -y dnsperf knot bind9-dnsutils
#
# Environment (defaults in brackets):
#   RUNS [5]            dnsperf runs per server and transport
#   DURATION [15]       seconds per run (SECONDS is accepted too, as the issue names it)
#   WARMUP [3]          seconds of unrecorded dnsperf load per server and transport before the runs (JIT, caches)
#   ENGINES [default]   kubedns has one server since #16 (no --engine; the ARSoft engine is gone: ARSoft users host
#                       KubeDns.Records.ArSoft themselves); "default" runs it once, an older kubedns may name engines
#   NATIVE_FLAGS [--reuse-port]  extra serve flags for the native engine; the default gives each UDP receive loop its
#                       own SO_REUSEPORT socket, as Knot does for its UDP workers (like for like)
#   TRANSPORTS [udp tcp]
#   CLIENTS [4]         dnsperf -c;  OUTSTANDING [100] dnsperf -q
#   SERVICES [1000] NAMESPACES [20] HEADLESS [100] ENDPOINTS [5]   the generated cluster
#   KUBEDNS             a kubedns command to use (e.g. "kubedns"); by default src/KubeDns.Records.Tool is built
#   KEEP [0]            1 keeps the temporary directory (manifests, zone, logs, dnsperf output)
#   RESULT              also write the table (markdown) to this file
set -euo pipefail

RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-3}"
DURATION="${DURATION:-$(printenv SECONDS || echo 15)}"
ENGINES="${ENGINES:-default}"
NATIVE_FLAGS="${NATIVE_FLAGS---reuse-port}"
TRANSPORTS="${TRANSPORTS:-udp tcp}"
CLIENTS="${CLIENTS:-4}"
OUTSTANDING="${OUTSTANDING:-100}"
SERVICES="${SERVICES:-1000}"
NAMESPACES="${NAMESPACES:-20}"
HEADLESS="${HEADLESS:-100}"
ENDPOINTS="${ENDPOINTS:-5}"
KEEP="${KEEP:-0}"
RESULT="${RESULT:-}"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d -t kubedns-load-XXXXXX)"
pids=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

stop() {
    local pid="$1"
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do
        stop "$pid"
    done
    if [[ "$KEEP" == 1 ]]; then
        log "kept $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in dotnet dnsperf knotd dig ss; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y dnsperf knot bind9-dnsutils iproute2; dotnet SDK)"
done
[[ "$DURATION" =~ ^[0-9]+$ && "$DURATION" -gt 0 ]] || die "DURATION must be a positive number of seconds, not '$DURATION'"
[[ "$RUNS" =~ ^[0-9]+$ && "$RUNS" -gt 0 ]] || die "RUNS must be a positive number, not '$RUNS'"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a number of seconds, not '$WARMUP'"
clk_tck="$(getconf CLK_TCK)"

# A port free for both UDP and TCP on 127.0.0.1 (for knotd, which cannot report a port it picked).
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 40000))
        if [[ -z "$(ss -Hlnu "sport = :$port")" && -z "$(ss -Hlnt "sport = :$port")" ]]; then
            echo "$port"
            return
        fi
    done
    die "no free port found"
}

# utime + stime of a process (all its threads), in clock ticks.
cpu_ticks() {
    local stat
    stat="$(<"/proc/$1/stat")"
    stat="${stat##*) }" # fields after "pid (comm) "; comm may hold spaces
    local -a fields
    read -r -a fields <<<"$stat"
    echo $((fields[11] + fields[12]))
}

# Answer section (lower case, TTL and class dropped, sorted) and rcode of one question.
answer() {
    local port="$1" name="$2" type="$3" out
    out="$(dig @127.0.0.1 -p "$port" +tries=2 +time=2 +noall +comments +answer +nottlid +nocl "$name" "$type" 2>&1)" || true
    {
        grep -o 'status: [A-Z]*' <<<"$out" || echo "status: none"
        grep -v '^;' <<<"$out" | awk 'NF { $1 = $1; print tolower($0) }' | sort
    } | tr '\n' ' '
}

wait_for_dns() {
    local port="$1" pid="$2" what="$3"
    for _ in $(seq 120); do
        kill -0 "$pid" 2>/dev/null || die "$what exited; see its log in $work (KEEP=1 keeps it)"
        if dig @127.0.0.1 -p "$port" +tries=1 +time=1 cluster.local SOA 2>/dev/null | grep -q 'status: NOERROR'; then
            return
        fi
        sleep 0.5
    done
    die "$what did not answer on port $port"
}

# --- the cluster -------------------------------------------------------------------------------------------
log "generating $SERVICES services in $NAMESPACES namespaces ($HEADLESS headless with $ENDPOINTS endpoints) in $work"
dotnet run -c Release --project "$repo/benchmarks/KubeDns.Records.Benchmarks" -- generate --out "$work/cluster" \
    --services "$SERVICES" --namespaces "$NAMESPACES" --headless "$HEADLESS" --endpoints "$ENDPOINTS" >&2

if [[ -n "${KUBEDNS:-}" ]]; then
    read -r -a kubedns <<<"$KUBEDNS"
else
    tool_project="$repo/src/KubeDns.Records.Tool/KubeDns.Records.Tool.csproj"
    [[ -f "$tool_project" ]] || die "$tool_project not found: this checkout has no kubedns tool; set KUBEDNS to a kubedns command"
    log "building kubedns"
    dotnet build "$tool_project" -c Release -o "$work/tool" --nologo -v quiet -clp:NoSummary >&2
    kubedns=(dotnet "$work/tool/kubedns.dll")
fi

read -r -a engines <<<"$ENGINES"
if ! "${kubedns[@]}" serve --help 2>/dev/null | grep -q -- '--engine'; then
    log "this kubedns has no --engine option: running its default engine only"
    engines=(default)
fi

# --- Knot DNS on the exported zone ---------------------------------------------------------------------------
mkdir -p "$work/knot/db"
"${kubedns[@]}" zone --manifests "$work/cluster/manifests" >"$work/knot/cluster.local.zone"
knot_port="$(free_port)"
cat >"$work/knot/knot.conf" <<EOF
server:
    rundir: "$work/knot"
    listen: 127.0.0.1@$knot_port
control:
    listen: "$work/knot/knot.sock"
database:
    storage: "$work/knot/db"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$work/knot"
    journal-content: none
    zonefile-sync: -1
    semantic-checks: off
zone:
  - domain: cluster.local
    file: "$work/knot/cluster.local.zone"
EOF
knotd -c "$work/knot/knot.conf" 2>"$work/knot/knotd.log" &
knot_pid=$!
pids+=("$knot_pid")
wait_for_dns "$knot_port" "$knot_pid" knotd
log "knotd $knot_pid on 127.0.0.1:$knot_port ($(grep -c . "$work/knot/cluster.local.zone") zone lines)"

# --- load ------------------------------------------------------------------------------------------------------
declare -A qps_runs cpu_runs lost_total
sample_total="$(grep -c . "$work/cluster/sample.txt")"
declare -A same_answers

load() {
    local label="$1" port="$2" pid="$3" transport run out before after qps lost completed
    for transport in $TRANSPORTS; do
        qps_runs["$label/$transport"]=""
        cpu_runs["$label/$transport"]=""
        lost_total["$label/$transport"]=0
        if [[ "$WARMUP" -gt 0 ]]; then
            dnsperf -s 127.0.0.1 -p "$port" -m "$transport" -d "$work/cluster/queries.txt" -l "$WARMUP" \
                -c "$CLIENTS" -q "$OUTSTANDING" >"$work/dnsperf-$label-$transport-warmup.txt" 2>&1 || die "dnsperf failed against $label"
        fi
        for run in $(seq "$RUNS"); do
            before="$(cpu_ticks "$pid")"
            out="$(dnsperf -s 127.0.0.1 -p "$port" -m "$transport" -d "$work/cluster/queries.txt" -l "$DURATION" \
                -c "$CLIENTS" -q "$OUTSTANDING" 2>&1)" || die "dnsperf failed against $label: $out"
            after="$(cpu_ticks "$pid")"
            printf '%s\n' "$out" >"$work/dnsperf-$label-$transport-$run.txt"
            qps="$(awk '/Queries per second:/ { print $4 }' <<<"$out")"
            lost="$(awk '/Queries lost:/ { print $3 }' <<<"$out")"
            completed="$(awk '/Queries completed:/ { print $3 }' <<<"$out")"
            [[ -n "$qps" && -n "$completed" && "$completed" -gt 0 ]] || die "no dnsperf statistics against $label: $out"
            qps_runs["$label/$transport"]+="$qps "
            cpu_runs["$label/$transport"]+="$(awk -v t=$((after - before)) -v hz="$clk_tck" -v n="$completed" 'BEGIN { printf "%.2f", t / hz / n * 1e6 }') "
            lost_total["$label/$transport"]=$((lost_total["$label/$transport"] + lost))
            log "$label $transport run $run: $qps q/s, lost $lost"
        done
    done
}

engine_labels=()
for engine in "${engines[@]}"; do
    label="kubedns-$engine"
    engine_labels+=("$label")
    args=(serve --manifests "$work/cluster/manifests" --listen 127.0.0.1:0)
    [[ "$engine" == default ]] || args+=(--engine "$engine")
    # shellcheck disable=SC2206 # NATIVE_FLAGS is a list of flags
    [[ "$engine" == arsoft ]] || args+=($NATIVE_FLAGS)
    "${kubedns[@]}" "${args[@]}" >"$work/$label.out" 2>"$work/$label.err" &
    pid=$!
    pids+=("$pid")
    port=""
    for _ in $(seq 240); do
        kill -0 "$pid" 2>/dev/null || die "$label exited: $(cat "$work/$label.err")"
        port="$(sed -n 's|^listening on udp://[^ ]*:\([0-9]*\) tcp://.*|\1|p' "$work/$label.out")"
        [[ -n "$port" ]] && break
        sleep 0.5
    done
    [[ -n "$port" ]] || die "$label printed no 'listening on' line"
    wait_for_dns "$port" "$pid" "$label"
    log "$label $pid on 127.0.0.1:$port"

    same=0
    while read -r name type; do
        ours="$(answer "$port" "$name" "$type")"
        theirs="$(answer "$knot_port" "$name" "$type")"
        printf '%s %s\n  %s: %s\n  knot: %s\n' "$name" "$type" "$label" "$ours" "$theirs" >>"$work/answers-$label.txt"
        if [[ "$ours" == "$theirs" ]]; then
            same=$((same + 1))
        else
            log "answers differ for $name $type:"
            log "  $label: $ours"
            log "  knot:   $theirs"
        fi
    done <"$work/cluster/sample.txt"
    same_answers["$label"]="$same/$sample_total"
    log "$label: $same of $sample_total sample answers identical to Knot's"

    load "$label" "$port" "$pid"
    stop "$pid"
done

load knot "$knot_port" "$knot_pid"
stop "$knot_pid"

# --- the table -------------------------------------------------------------------------------------------------
stats() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f %.0f %.0f %.2f\n", m, v[1], v[NR], m }'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

table="$(
    echo "Load test $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)," \
        "$(nproc) vCPU $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(. /etc/os-release && echo "$PRETTY_NAME")," \
        ".NET SDK $(dotnet --version), $(dnsperf -h 2>&1 | awk '/^Version/ { print "dnsperf " $2 }'), $(knotd -V | awk '{ print "Knot DNS " $NF }')"
    echo "$SERVICES services / $NAMESPACES namespaces / $HEADLESS headless x $ENDPOINTS endpoints; $RUNS runs x ${DURATION}s per server" \
        "and transport; dnsperf -c $CLIENTS -q $OUTSTANDING; per 110 queries 70 A, 30 SRV, 10 NXDOMAIN; all on 127.0.0.1;" \
        "native engine flags: ${NATIVE_FLAGS:-none}; Knot with its defaults (one UDP worker per CPU, SO_REUSEPORT)."
    echo
    echo "| server | transport | q/s median | q/s min | q/s max | server CPU per query (median) | lost (all runs) | q/s vs Knot | CPU/query vs Knot | sample answers = Knot |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"
    for transport in $TRANSPORTS; do
        read -r knot_median _ _ _ <<<"$(stats <<<"${qps_runs["knot/$transport"]}")"
        knot_cpu="$(median <<<"${cpu_runs["knot/$transport"]}")"
        for label in knot "${engine_labels[@]}"; do
            read -r med min max _ <<<"$(stats <<<"${qps_runs["$label/$transport"]}")"
            cpu="$(median <<<"${cpu_runs["$label/$transport"]}")"
            if [[ "$label" == knot ]]; then
                ratio="1.00" cpu_ratio="1.00" same="-"
            else
                ratio="$(awk -v a="$med" -v b="$knot_median" 'BEGIN { printf "%.2f", a / b }')"
                cpu_ratio="$(awk -v a="$cpu" -v b="$knot_cpu" 'BEGIN { printf "%.2f", a / b }')"
                same="${same_answers["$label"]}"
            fi
            echo "| $label | $transport | $med | $min | $max | $cpu µs | ${lost_total["$label/$transport"]} | $ratio | $cpu_ratio | $same |"
        done
    done
)"
echo "$table"
if [[ -n "$RESULT" ]]; then
    printf '%s\n' "$table" >"$RESULT"
fi
