#!/bin/sh
# Starts nginx in the container of deploy/compose.yaml.
set -eu
# A container without IPv6 cannot bind the [::] listeners of site.conf.
if [ ! -e /proc/net/if_inet6 ]; then
    sed -i '/listen \[::\]:/d' /etc/nginx/rr/site.conf
fi
nginx -t
# The certbot service renews certificates in the shared volume; a reload
# twice a day serves the renewed ones (a reload drops no connection).
( while sleep 12h; do nginx -s reload; done ) &
exec nginx -g 'daemon off;'
