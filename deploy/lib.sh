# shellcheck shell=bash
# Shared by deploy/test.sh and deploy/bench.sh: the Debian packages of the
# stack, free ports, a self-signed certificate, and the shipped nginx
# configuration moved to a scratch directory. Sourced, not run.
#
#   rr_install_packages <package>...   installs the missing ones, quietly,
#                                      without starting their services
#   rr_free_port                       prints a free loopback TCP port
#   rr_self_signed <dir>               <dir>/privkey.pem, fullchain.pem (ECDSA
#                                      P-256, for RR_DOMAIN) and ca.pem
#   rr_nginx_config <dir> <http port> <https port> <stable port> <canary port> <tls dir>
#                                      the files of deploy/nginx/ under <dir>,
#                                      paths and ports moved, nothing else
#
# The shipped files stay the single source: the substitutions below touch
# only paths and listening ports, and rr_nginx_config fails when a
# production path or port is left behind.

RR_DOMAIN=ressources-relationnelles.gouv.fr
RR_DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

rr_install_packages() {
    local missing=() package policy_created=""
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing ${missing[*]}"
    # Packages start their service on installation unless policy-rc.d says
    # no: nginx would take port 80. Only while installing.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
        policy_created=1
    fi
    local status=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null; } || status=$?
    [ -n "$policy_created" ] && rm -f /usr/sbin/policy-rc.d
    return $status
}

rr_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

rr_self_signed() {
    local dir=$1
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=$RR_DOMAIN" -addext "subjectAltName=DNS:$RR_DOMAIN" \
        -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
    cp "$dir/fullchain.pem" "$dir/ca.pem"
    chmod 600 "$dir/privkey.pem"
}

rr_nginx_config() {
    local dir=$1 http_port=$2 https_port=$3 stable_port=$4 canary_port=$5 tls=$6
    mkdir -p "$dir/log" "$dir/acme"
    cp "$RR_DEPLOY_DIR/nginx/nginx.conf" "$dir/nginx.conf"
    rm -rf "$dir/rr" && cp -r "$RR_DEPLOY_DIR/nginx/rr" "$dir/rr"
    local files
    files=$(find "$dir/nginx.conf" "$dir/rr" -name '*.conf')
    # shellcheck disable=SC2086
    sed -i \
        -e "s#/etc/nginx/rr/#$dir/rr/#g" \
        -e "s#/etc/letsencrypt/live/$RR_DOMAIN/#$tls/#g" \
        -e "s#/var/log/nginx/#$dir/log/#g" \
        -e "s#/run/nginx.pid#$dir/nginx.pid#" \
        -e "s#/var/www/acme#$dir/acme#" \
        -e "s#listen 80 #listen 127.0.0.1:$http_port #" \
        -e "s#listen 443 #listen 127.0.0.1:$https_port #" \
        -e '/listen \[::\]:/d' \
        -e "s#127.0.0.1:8081#127.0.0.1:$stable_port#" \
        -e "s#127.0.0.1:8082#127.0.0.1:$canary_port#" \
        $files
    # shellcheck disable=SC2086
    if grep -nE '/etc/nginx/rr/|/etc/letsencrypt/|/var/log/nginx/|/run/nginx|/var/www/|listen (80|443)[ ;]|127\.0\.0\.1:808[12]' $files; then
        echo "rr_nginx_config: production paths or ports left in the test configuration (above)" >&2
        return 1
    fi
    # The workers (www-data) serve the ACME webroot.
    chmod 755 "$dir" "$dir/acme"
}
