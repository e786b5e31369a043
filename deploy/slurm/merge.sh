#!/bin/bash
# Joins the shards score-array.sh wrote into the single-run output, in input order.
#SBATCH --job-name=iconclass-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
set -euo pipefail
OUTPUT_DIR=${OUTPUT_DIR:-$HOME/iconclass/scored}
MERGED=${MERGED:-$HOME/iconclass/scored.parquet}
iconclass merge "$OUTPUT_DIR"/scored-*.parquet --output "$MERGED"
