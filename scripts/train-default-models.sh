#!/usr/bin/env bash
# Trains, exports and evaluates the four embedded default models (about an hour on 2 cores).
# Usage: scripts/train-default-models.sh [DATA_DIR]   (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}/imagenette2-224
epochs=${EPOCHS:-20}
for spec in "mobilenet-v2 qf" "mobilenet-v2 baseline" "mobilenet-v1 qf" "mobilenet-v1 baseline"; do
  set -- $spec
  name=$([ "$2" = qf ] && echo "qf-$1" || echo "$1")
  models/bin/models train --arch "$1" --variant "$2" --width 0.5 --resolution 128 --epochs "$epochs" --batch 32 \
    --train "$data/train" --val "$data/val" --run "runs/$name"
  models/bin/models export --run "runs/$name" --repository models/repository --version 1
  models/bin/models eval --model "models/repository/$name/1" --data "$data/val" --chart "runs/$name-eval.png"
done
