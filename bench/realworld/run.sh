#!/usr/bin/env bash
# Real-world precision check: gofixslice over popular modules at pinned
# versions, every finding compared with the triage ledger (triage.tsv).
#
# Usage: bench/realworld/run.sh [flags] [quick | all | MODULE[@VERSION]...]
#   quick   2-3 small modules (CI): fails on any untriaged finding
#   all     every module of modules.txt (default)
# Flags (before the modules): -w (fix a copy, build, vet, test, re-run),
# -cold (empty GOCACHE per module), -v (every finding with its verdict),
# -work DIR, -tool BINARY, -ledger FILE. See bench/realworld/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOWORK=off
exec go run ./bench/realworld "$@"
