#!/usr/bin/env bash
# Installs what the tests need (tests/setup.sh) and runs them. The store, jobs and API tests also run on
# PostgreSQL with the job queue on Redis when servers answer on 127.0.0.1:5432 and :6379 (or wherever
# TEST_DATABASE_URL / TEST_REDIS_URL already point); each run makes its own database and queue names there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "${TEST_DATABASE_URL:-}" ] && answers 5432; then
  export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
fi
if [ -z "${TEST_REDIS_URL:-}" ] && answers 6379; then
  export TEST_REDIS_URL="redis://127.0.0.1:6379/0"
fi
exec python3 -m pytest "$@"
