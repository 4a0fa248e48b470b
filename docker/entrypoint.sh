#!/bin/sh
# The container's start command (also runs outside a container: tests/deploy/test_entrypoint.py).
#   web        the pages and the API: uvicorn with WEB_WORKERS processes on HOST:PORT
#   scheduler  the scheduled jobs (start one; a second stays standby and takes over if the first dies)
#   migrate    bring the database schema to the newest revision, then exit (compose runs it once first)
#   anything else is run as given, e.g. `tracker targets import data/changli-2024-targets.txt`
set -eu
command="${1:-web}"
case "$command" in
  web)
    shift || true
    exec tracker serve --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" --workers "${WEB_WORKERS:-2}" "$@"
    ;;
  scheduler)
    exec tracker scheduler
    ;;
  migrate)
    exec tracker db upgrade
    ;;
  *)
    exec "$@"
    ;;
esac
