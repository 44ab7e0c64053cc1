#!/usr/bin/env bash
# Submits a study's multiverse as N shards and the merge that waits for them, from a login node:
#
#   contrib/slurm/submit.sh deterrence 16 parts/ [OUT]
#
# prints the two job ids (array, merge). Watch them with `squeue -u $USER`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
study=${1:?usage: submit.sh STUDY N PARTS_DIR [OUT]}
n=${2:?usage: submit.sh STUDY N PARTS_DIR [OUT]}
parts=${3:?usage: submit.sh STUDY N PARTS_DIR [OUT]}
out=${4:-}
array=$(sbatch --parsable --array="0-$((n - 1))" "$here/multiverse.sbatch" "$study" "$parts")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" "$here/merge.sbatch" "$parts" $out)
echo "$array $merge"
