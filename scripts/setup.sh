#!/usr/bin/env bash
# setup.sh - installs what building and testing kafka-connect-oss needs.
#
# Owns: the list of Debian packages the build and the tests use, and the
# Node test tools pinned in tests/node/package-lock.json. Idempotent: when all
# is in place it only asks dpkg once and checks a stamp file (well under a
# second). Must never: run apt-get update when nothing is missing, replace a
# Node that came from elsewhere, or need sudo (as non-root it prints the
# command to run and exits 1).
#
#   scripts/setup.sh            Debian packages, then the Node tools
#   scripts/setup.sh --node     only the Node tools (npm ci when needed)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
        build-essential pkg-config             # gcc, make
        librdkafka-dev zlib1g-dev libzstd-dev  # Kafka client, compression
        libjansson-dev libcurl4-openssl-dev libssl-dev libexpat1-dev  # JSON, HTTP, signing, core-site.xml
        libavro-dev libsnappy-dev liblz4-dev   # AvroFormat (avro-c), snappy and lz4 (Avro blocks, Parquet pages)
        protobuf-compiler                      # protoc: compiles .proto schemas at load time (ParquetJsonFormat)
        protobuf-c-compiler libprotobuf-c-dev  # protoc-c (build: C code for descriptor.proto), its runtime library
        libprotobuf-dev                        # descriptor.proto and the well-known .proto files protoc imports
        time zstd gzip openssl                 # bench (peak RSS), test readers, test certificates
        libicu-dev                             # time zones and locale month / weekday names (time-based partitioners)
        libcmocka-dev                          # unit tests
        clang libclang-rt-14-dev               # libFuzzer, ASan/UBSan
        kcat                                   # produce / inspect in tests
        python3 python3-avro                   # independent Avro reader
        python3-protobuf                       # the official protobuf JSON parser: ParquetJsonFormat expectations
)

install_debian() {
        local pkgs=("${PACKAGES[@]}") missing=() p
        # Node may come from another source (nodesource, nvm): keep it.
        command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
        command -v npm >/dev/null 2>&1 || pkgs+=(npm)

        # One dpkg-query for all; unknown packages print nothing on stdout.
        local installed
        installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null |
                awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }') || true
        for p in "${pkgs[@]}"; do
                grep -qxF "$p" <<<"$installed" || missing+=("$p")
        done
        [[ ${#missing[@]} -eq 0 ]] && return 0

        local cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
        if [[ $(id -u) -ne 0 ]]; then
                echo "setup: missing Debian packages: ${missing[*]}" >&2
                echo "setup: run as root: $cmd" >&2
                exit 1
        fi
        echo "setup: installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${missing[@]}"
}

install_node_tools() {
        local dir=tests/node stamp=tests/node/node_modules/.kco-setup-stamp
        [[ -f $dir/package-lock.json ]] || return 0
        if [[ -f $stamp && ! $dir/package-lock.json -nt $stamp && ! $dir/package.json -nt $stamp ]]; then
                return 0
        fi
        echo "setup: npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
        touch "$stamp"
}

case "${1:-}" in
"") install_debian; install_node_tools ;;
--node) install_node_tools ;;
*) echo "usage: scripts/setup.sh [--node]" >&2; exit 2 ;;
esac
