#!/usr/bin/env bash
# Backup and restore drill (T53; docs/operations.md, "Backups").
#
# Dumps a database with `pg_dump -Fc` (as the nightly backup does), restores the
# dump into a new throw-away database on the same server, compares every table's
# row count and content hash with the source, runs `manage.py verify_audit` and
# `manage.py verify_documents` against the restored copy (with the same MEDIA_ROOT
# or bucket, or --media), prints a result table and exits non-zero on any mismatch.
# The throw-away database and the dump are removed at the end (unless --keep).
#
#   scripts/backup-restore-drill.sh [--database-url URL] [--dump FILE] [--media DIR]
#                                   [--record FILE] [--keep]
#
#   --database-url  the source (default: $DATABASE_URL); a role that may read every
#                   table and create a database: the owner role, not the app role
#   --dump FILE     restore this existing backup instead of taking a dump now (the
#                   monthly drill of the real backups). The source has moved on
#                   since, so tables are listed, not compared; the data age is the
#                   file's age (RPO).
#   --media DIR     MEDIA_ROOT of the restored files, for the verify commands
#   --record FILE   append the result as a Markdown section (docs/drills.md)
#   --keep          keep the restored database and the dump, to look at them
#
# The dump and the source's figures come from one snapshot (pg_export_snapshot),
# so a live source (production) compares exactly: writes during the drill are not
# in either. Exit codes: 0 all equal and verified, 1 mismatch or failed check,
# 2 usage or a missing tool.
set -euo pipefail
cd "$(dirname "$0")/.."

source_url=${DATABASE_URL:-} dump="" media="" record="" keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --database-url) source_url=$2; shift 2 ;;
    --dump) dump=$2; shift 2 ;;
    --media) media=$2; shift 2 ;;
    --record) record=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in pg_dump pg_restore psql; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install postgresql-client)" >&2; exit 2; }
done
if [[ ! "$source_url" =~ ^postgres(ql)?:// ]]; then
  echo "no PostgreSQL database: give --database-url postgres://… or set DATABASE_URL" >&2; exit 2
fi
if [[ -n "$dump" && ! -r "$dump" ]]; then echo "cannot read the dump $dump" >&2; exit 2; fi
PY=${PYTHON:-.venv/bin/python}; [[ -x "$PY" ]] || PY=python3

# postgres://user:pw@host:port/name?options → the server part, the name, the options.
base=${source_url%%\?*} query=${source_url#"$base"}
source_db=${base##*/} server=${base%/*}
drill_db="drill_${source_db:0:30}_$(date -u +%Y%m%d%H%M%S)_$$"
drill_url="$server/$drill_db$query" maintenance_url="$server/postgres$query"
work=$(mktemp -d)
cleanup() {
  if [[ $keep == 1 ]]; then
    echo "kept: database $drill_db, dump ${dump:-$work/backup.dump}"
  else
    psql -X -q "$maintenance_url" -c "DROP DATABASE IF EXISTS \"$drill_db\"" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# One line per table: name|rows|md5 of the sorted md5s of its rows (row order on
# disk differs after a restore; the content does not).
STATS_SQL="SELECT c.relname,
  (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I',
     ns.nspname, c.relname), false, true, '')))[1]::text,
  (xpath('/row/h/text()', query_to_xml(format(
     'SELECT md5(coalesce(string_agg(md5(t::text), '''' ORDER BY md5(t::text)), '''')) AS h
      FROM %I.%I t', ns.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND ns.nspname = 'public' ORDER BY 1;"

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

if [[ -z "$dump" ]]; then
  dump="$work/backup.dump"
  # Hold a repeatable-read transaction open; pg_dump and the figures share its snapshot.
  coproc SNAP { psql -X -q -At -v ON_ERROR_STOP=1 "$source_url" 2>&1; }
  printf 'BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT pg_export_snapshot();\n' >&"${SNAP[1]}"
  read -r -t 60 snapshot <&"${SNAP[0]}" || { echo "no snapshot from the source" >&2; exit 1; }
  [[ "$snapshot" =~ ^[0-9A-F-]+$ ]] || { echo "source: $snapshot" >&2; exit 1; }
  t0=$(now)
  pg_dump -Fc --snapshot="$snapshot" -f "$dump" "$source_url"
  dump_seconds=$(seconds "$t0" "$(now)")
  printf '\\o %s\n%s\n\\o\n\\echo drill-stats-done\nCOMMIT;\n\\q\n' "$work/source.txt" "$STATS_SQL" >&"${SNAP[1]}"
  while read -r -t 600 line <&"${SNAP[0]}"; do [[ "$line" == drill-stats-done ]] && break; echo "$line" >&2; done
  wait "$SNAP_PID" 2>/dev/null || true
  [[ -s "$work/source.txt" ]] || { echo "no table figures from the source" >&2; exit 1; }
  data_age="0 h (dumped now)"
else
  dump_seconds="-"
  data_age="$(( ($(date +%s) - $(stat -c %Y "$dump")) / 3600 )) h (age of $dump)"
fi

psql -X -q -v ON_ERROR_STOP=1 "$maintenance_url" -c "CREATE DATABASE \"$drill_db\""
t0=$(now)
# --no-owner/--no-acl: the drill checks the data; roles are server-wide and may not
# exist where a backup is restored (grant_app_role recreates the grants).
pg_restore --no-owner --no-acl --exit-on-error -d "$drill_url" "$dump"
restore_seconds=$(seconds "$t0" "$(now)")
psql -X -q -At -v ON_ERROR_STOP=1 "$drill_url" -c "$STATS_SQL" >"$work/restored.txt"

failed=0 rows="" tables=0 total_rows=0
if [[ -f "$work/source.txt" ]]; then
  printf '\n%-44s %12s %12s  %s\n' table "source rows" "restored" "content"
  while IFS='|' read -r table count hash; do
    tables=$((tables + 1)) total_rows=$((total_rows + count))
    other=$(awk -F'|' -v t="$table" '$1 == t { print $2 "|" $3 }' "$work/restored.txt")
    if [[ -z "$other" ]]; then verdict="MISSING" restored_count="-"
    else
      restored_count=${other%%|*}
      if [[ "$other" == "$count|$hash" ]]; then verdict="equal"; else verdict="MISMATCH"; fi
    fi
    [[ $verdict == equal ]] || failed=1
    printf '%-44s %12s %12s  %s\n' "$table" "$count" "$restored_count" "$verdict"
    [[ $verdict == equal ]] || rows+="| $table | $count | $restored_count | $verdict |"$'\n'
  done <"$work/source.txt"
  extra=$(awk -F'|' 'NR == FNR { seen[$1] = 1; next } !($1 in seen) { print $1 }' \
    "$work/source.txt" "$work/restored.txt")
  if [[ -n "$extra" ]]; then echo "tables only in the restored copy: $extra"; failed=1; fi
else
  printf '\n%-44s %12s\n' table "restored rows"
  while IFS='|' read -r table count hash; do
    tables=$((tables + 1)) total_rows=$((total_rows + count))
    printf '%-44s %12s\n' "$table" "$count"
  done <"$work/restored.txt"
fi

# The restored copy must be self-consistent: an intact audit chain that matches the
# anchors, and every bid file matching its SHA-256. Nothing may leave the drill:
# no broker (tasks run inline), no cache shared with the site, no e-mail.
verify() {
  local vars=(DATABASE_URL="$drill_url" CELERY_BROKER_URL="" CELERY_RESULT_BACKEND="" REDIS_URL=""
    EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
    SECRET_KEY="${SECRET_KEY:-backup-drill-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}")
  [[ -z "$media" ]] || vars+=(MEDIA_ROOT="$media")
  env "${vars[@]}" "$PY" manage.py "$@" 2>&1
}
audit_result=ok documents_result=ok
audit_out=$(verify verify_audit) || { audit_result=FAILED; failed=1; }
documents_out=$(verify verify_documents) || { documents_result=FAILED; failed=1; }
echo
echo "verify_audit:     $audit_out"
echo "verify_documents: $documents_out"

dump_size=$(du -h "$dump" | cut -f1)
verdict=$([[ $failed == 0 ]] && echo PASSED || echo FAILED)
echo
echo "drill $verdict: $tables tables, $total_rows rows; dump $dump_size in ${dump_seconds} s;" \
  "restore ${restore_seconds} s (RTO target 4 h); data age $data_age (RPO target 24 h)"

if [[ -n "$record" ]]; then
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — $verdict"
    echo
    echo "| source | tables | rows | dump | dump s | restore s | data age | verify_audit | verify_documents |"
    echo "|---|---|---|---|---|---|---|---|---|"
    echo "| $source_db@${server##*@} | $tables | $total_rows | $dump_size | $dump_seconds | $restore_seconds | $data_age | $audit_result | $documents_result |"
    if [[ -n "$rows" ]]; then
      echo
      echo "| table | source rows | restored | content |"
      echo "|---|---|---|---|"
      printf '%s' "$rows"
    fi
  } >>"$record"
  echo "appended to $record"
fi
exit "$failed"
