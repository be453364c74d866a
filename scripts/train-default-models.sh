#!/usr/bin/env bash
# Trains, exports, quantizes and evaluates the four embedded default models, then writes
# models/REPORT.md (about two hours on 2 cores: the baselines need longer schedules, see README).
# Usage: scripts/train-default-models.sh [DATA_DIR]   (default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}/imagenette2-224
# name, architecture, variant, epochs
for spec in "qf-mobilenet-v2 mobilenet-v2 qf 20" "mobilenet-v2 mobilenet-v2 baseline 30" \
            "qf-mobilenet-v1 mobilenet-v1 qf 20" "mobilenet-v1 mobilenet-v1 baseline 45"; do
  set -- $spec
  models/bin/models train --arch "$2" --variant "$3" --width 0.5 --resolution 128 --epochs "$4" --batch 32 \
    --train "$data/train" --val "$data/val" --run "runs/$1"
  models/bin/models export --run "runs/$1" --repository models/repository --version 1
  models/bin/models eval --model "models/repository/$1/1" --data "$data/val" --chart "runs/$1-eval.png"
  models/bin/models quantize --model "models/repository/$1/1" --calibration "$data/train" \
    --repository models/repository --version 1 --eval "$data/val"
done
models/bin/models report --train "$data/train" --val "$data/val" --out models/REPORT.md
