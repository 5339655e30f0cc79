#!/usr/bin/env bash
# Installs what cairn needs on Debian 12 when it is missing: the one place that knows the dependency list.
#   scripts/deps.sh run    build dependencies (headers, pkg-config)
#   scripts/deps.sh test   build dependencies + test clients and servers (mysql, pymysql, botocore, awscli, npm packages)
# As root it installs with apt-get/npm; otherwise it prints the exact command to run and fails.
set -euo pipefail
want=${1:-run}
cd "$(dirname "$0")/.."

build_pkgs=(gcc make pkg-config libsqlite3-dev libjansson-dev libcurl4-openssl-dev libssl-dev
            libzstd-dev liblz4-dev libxxhash-dev libmicrohttpd-dev)
test_pkgs=(mariadb-client python3-pymysql python3-botocore awscli curl nodejs npm socat
           postgresql iproute2 nftables procps)

pkgs=("${build_pkgs[@]}")
[ "$want" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
    # nodejs from another source (nodesource) also provides npm: accept any working node/npm.
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "deps: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
            apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}"
        }
    else
        echo "deps: missing Debian packages: ${missing[*]}" >&2
        echo "deps: run: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

if [ "$want" = test ] && [ -f tests/package.json ]; then
    if [ ! -f tests/node_modules/.cairn-installed ] || [ tests/package.json -nt tests/node_modules/.cairn-installed ]; then
        echo "deps: installing npm packages for tests (tests/package.json)"
        (cd tests && npm install --no-audit --no-fund --loglevel=error >/dev/null) && touch tests/node_modules/.cairn-installed
    fi
    [ -x tests/scripts/patch-node-modules.sh ] && bash tests/scripts/patch-node-modules.sh
fi
exit 0
