#!/bin/bash
# Scores a collection dump in 8 shards as a Slurm job array: Slurm sets SLURM_ARRAY_TASK_ID (1 to 8) and
# SLURM_ARRAY_TASK_COUNT in every task, and each task scores its shard into its own file on the shared file system.
# Submit the merge to run after every task has succeeded:
#   jobid=$(sbatch --parsable deploy/slurm/score-array.sh)
#   sbatch --dependency=afterok:$jobid deploy/slurm/merge.sh
#SBATCH --job-name=iconclass-score
#SBATCH --array=1-8
#SBATCH --cpus-per-task=2
#SBATCH --mem=3G
#SBATCH --time=04:00:00
# Slurm sends SIGTERM 60 s before the time limit: score finishes its batch and keeps what it wrote.
#SBATCH --signal=TERM@60
set -euo pipefail
DUMP=${DUMP:-$HOME/iconclass/dump.parquet}
OUTPUT_DIR=${OUTPUT_DIR:-$HOME/iconclass/scored}
mkdir -p "$OUTPUT_DIR"
SHARDS=$SLURM_ARRAY_TASK_COUNT
SHARD=$SLURM_ARRAY_TASK_ID
# --resume: a requeued task goes on from the batches its shard already wrote.
iconclass score --input "$DUMP" --output "$OUTPUT_DIR/scored-$SHARD-of-$SHARDS.parquet" \
  --shard "$SHARD/$SHARDS" --resume
