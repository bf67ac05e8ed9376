#!/usr/bin/env bash
# Load-tests a release build with wrk: an embedded static asset, /healthz, the home page,
# the catalogue, a course page, the report list, a report and the news list, printing requests/s, p50 and p99 for each and each
# page's ratio to the asset.
#
#   scripts/bench.sh                          # fresh SQLite database
#   DATABASE_URL=postgres://… scripts/bench.sh  # an existing, empty PostgreSQL database
#   DURATION=20s CONNECTIONS=64 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
port=${BENCH_PORT:-18181}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
  else
    echo "bench: wrk is needed (apt-get install wrk)" >&2; exit 1
  fi
fi

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/academy"
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="${DATABASE_URL:-sqlite://$work/bench.db}"
export ACADEMY_DATA_DIR="$work/var" ACADEMY_BIND="127.0.0.1:$port" RUST_LOG=warn
backend=${DATABASE_URL%%:*}
"$bin" seed-demo >/dev/null
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$base/readyz" >/dev/null

asset=$(curl -fsS "$base/" | grep -o '/static/app.css?v=[0-9a-f]*' | head -n 1)
course=$(curl -fsS "$base/courses" | grep -o 'href="/courses/[a-z0-9-]*"' | head -n 1 | sed 's/href="//; s/"$//')
report=$(curl -fsS "$base/reports" | grep -o 'href="/reports/[a-z0-9-]*"' | grep -v feed | head -n 1 | sed 's/href="//; s/"$//')
declare -a names=("static asset" "/healthz" "/" "/courses" "course page" "/reports" "report page" "/news")
declare -a paths=("$asset" "/healthz" "/" "/courses" "$course" "/reports" "$report" "/news")

echo "Academy benchmark: backend $backend, wrk -t$threads -c$connections -d$duration, $(nproc) cores"
printf '%-14s %12s %10s %10s %10s\n' "path" "req/s" "p50" "p99" "vs asset"
asset_rps=
for i in "${!paths[@]}"; do
  out=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$base${paths[$i]}")
  if echo "$out" | grep -q "Non-2xx"; then
    echo "bench: ${names[$i]} answered errors:" >&2; echo "$out" >&2; exit 1
  fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  [ -z "$asset_rps" ] && asset_rps=$rps
  ratio=$(awk -v a="$rps" -v b="$asset_rps" 'BEGIN { printf "%.2f", a / b }')
  printf '%-14s %12s %10s %10s %10s\n' "${names[$i]}" "$rps" "$p50" "$p99" "$ratio"
done
