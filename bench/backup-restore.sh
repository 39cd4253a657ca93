#!/usr/bin/env bash
# Backup and restore of a seeded database (`rr-server seed`, see
# docs/operations/runbook.md) with the release binary: time and peak memory
# (maximum resident set size, from /usr/bin/time) of
#   1. backup create   (every table, encrypted and signed, plus the keyring)
#   2. backup verify   without the identity (signature only), then with it
#   3. backup restore  into an empty scratch database of the same engine
# and the sizes of the database and of the backup. Checks the operations
# issue's targets (backup <= 3 min, restore <= 10 min, peak memory <= 256 MiB);
# exit status 0 whatever they are.
#
#   bench/backup-restore.sh <database URL>
#   e.g. bench/backup-restore.sh mysql://rr:rr@127.0.0.1:3306/rr_seed
#        bench/backup-restore.sh sqlite:///tmp/rr-seed.sqlite
#
# RR_SECURITY__DEVELOPMENT_KEYS_DIR (default /tmp/rr-seed-keys) holds the keys
# the seed used (the restore needs them to erase again). The scratch database
# is <name>_restore on the same MariaDB server (dropped first and at the end),
# or a file beside the SQLite one. BIN=<path> uses that binary instead of
# building the release one.
set -euo pipefail

cd "$(dirname "$0")/.."
URL=${1:?usage: bench/backup-restore.sh <database URL>}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/cache/rr-target}
export RR_SECURITY__DEVELOPMENT_KEYS_DIR=${RR_SECURITY__DEVELOPMENT_KEYS_DIR:-/tmp/rr-seed-keys}
export RR_TELEMETRY__FILTER=${RR_TELEMETRY__FILTER:-warn}
if [ -z "${BIN:-}" ]; then
    cargo build --release -q -p rr-server
    BIN=$CARGO_TARGET_DIR/release/rr-server
fi
WORK=$(mktemp -d)
case $URL in
    mysql:*)
        NAME=${URL##*/}; NAME=${NAME%%\?*}
        SCRATCH_NAME=${NAME}_restore
        SCRATCH=${URL%/*}/$SCRATCH_NAME
        sql() { mariadb -uroot -N -e "$1"; }
        sql "DROP DATABASE IF EXISTS \`$SCRATCH_NAME\`; CREATE DATABASE \`$SCRATCH_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        db_size() { sql "SELECT SUM(data_length + index_length) FROM information_schema.TABLES WHERE table_schema = '$1'"; }
        SIZE=$(db_size "$NAME")
        cleanup() { sql "DROP DATABASE IF EXISTS \`$SCRATCH_NAME\`" || true; rm -rf "$WORK"; }
        ;;
    sqlite:*)
        FILE=${URL#sqlite://}
        SCRATCH=sqlite://$WORK/restored.sqlite
        SIZE=$(stat -c %s "$FILE")
        cleanup() { rm -rf "$WORK"; }
        ;;
    *) echo "unknown database URL $URL" >&2; exit 1 ;;
esac
trap cleanup EXIT

# Runs a command under /usr/bin/time; sets <prefix>_s (wall seconds) and
# <prefix>_mib (peak resident memory).
measured() {
    local prefix=$1; shift
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/$prefix.out"
    read -r seconds kib <"$WORK/time"
    printf -v "${prefix}_s" '%s' "$seconds"
    printf -v "${prefix}_mib" '%s' "$((kib / 1024))"
}

"$BIN" backup keygen --identity-output "$WORK/identity.txt" --signing-key-output "$WORK/signing.pem" >/dev/null
RECIPIENT=$(sed -n 's/^# recipient: //p' "$WORK/identity.txt")
BACKUP=$WORK/seed.rrbackup

RR_DATABASE__URL=$URL measured create "$BIN" backup create --output "$BACKUP" \
    --recipient "$RECIPIENT" --signing-key "$WORK/signing.pem"
tail -n 3 "$WORK/create.out"
measured verify "$BIN" backup verify --input "$BACKUP" --signing-public-key "$WORK/signing.pem.pub"
measured deep "$BIN" backup verify --input "$BACKUP" --signing-public-key "$WORK/signing.pem.pub" \
    --identity "$WORK/identity.txt"
RR_DATABASE__URL=$SCRATCH measured restore "$BIN" backup restore --input "$BACKUP" \
    --identity "$WORK/identity.txt" --signing-public-key "$WORK/signing.pem.pub"
cat "$WORK/restore.out"

BACKUP_SIZE=$(stat -c %s "$BACKUP")
KEYRING_SIZE=$(stat -c %s "$BACKUP.keyring")
mib() { echo $(( $1 / 1024 / 1024 )); }
echo
printf '%-34s %8s %10s\n' step "seconds" "peak MiB"
printf '%-34s %8s %10s\n' "backup create" "$create_s" "$create_mib"
printf '%-34s %8s %10s\n' "backup verify (signature)" "$verify_s" "$verify_mib"
printf '%-34s %8s %10s\n' "backup verify --identity" "$deep_s" "$deep_mib"
printf '%-34s %8s %10s\n' "backup restore" "$restore_s" "$restore_mib"
echo "database: $(mib "$SIZE") MiB (data and indexes); backup: $(mib "$BACKUP_SIZE") MiB" \
    "($(( 100 * BACKUP_SIZE / SIZE )) % of it), keyring: $(( KEYRING_SIZE / 1024 )) KiB"
check() { # label, value, limit
    if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then echo "target met: $1 $2 <= $3"
    else echo "TARGET MISSED: $1 $2 > $3"; fi
}
check "backup seconds" "$create_s" 180
check "restore seconds" "$restore_s" 600
for step in create verify deep restore; do
    v=${step}_mib; check "$step peak MiB" "${!v}" 256
done
