#!/usr/bin/env bash
# Trains, exports, quantizes and evaluates the six embedded default models, then writes
# models/REPORT.md, with the schedules the shipped models were trained on: the MobileNetV2 pair 30
# epochs each (about 27 min a model on 2 cores), qf-mobilenet-v1 45 (about 30 min), mobilenet-v1 60
# (about 34 min): the baseline learns slower and needs the longer schedule to come within 2 points;
# the MobileNetV3-Small pair (width 1.0) 30 epochs each on one thread, so that a run repeats bit for
# bit (the shipped pair trained side by side, about 45 min for both on 2 cores).
# Usage: [V1_QF_EPOCHS=45] [V1_BASELINE_EPOCHS=60] [V2_EPOCHS=30] [V3_EPOCHS=30] scripts/train-default-models.sh [DATA_DIR]
#        (DATA_DIR default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}/imagenette2-224
v1_qf=${V1_QF_EPOCHS:-45}
v1_baseline=${V1_BASELINE_EPOCHS:-60}
v2=${V2_EPOCHS:-30}
v3=${V3_EPOCHS:-30}
# name, architecture, variant, width, epochs, TensorFlow threads
for spec in "qf-mobilenet-v2 mobilenet-v2 qf 0.5 $v2 2" "mobilenet-v2 mobilenet-v2 baseline 0.5 $v2 2" \
            "qf-mobilenet-v1 mobilenet-v1 qf 0.5 $v1_qf 2" "mobilenet-v1 mobilenet-v1 baseline 0.5 $v1_baseline 2" \
            "qf-mobilenet-v3-small mobilenet-v3-small qf 1.0 $v3 1" \
            "mobilenet-v3-small mobilenet-v3-small baseline 1.0 $v3 1"; do
  set -- $spec
  models/bin/models train --arch "$2" --variant "$3" --width "$4" --resolution 128 --epochs "$5" --batch 32 \
    --threads "$6" --train "$data/train" --val "$data/val" --run "runs/$1"
  models/bin/models export --run "runs/$1" --repository models/repository --version 1
  models/bin/models eval --model "models/repository/$1/1" --data "$data/val" --chart "runs/$1-eval.png"
  models/bin/models quantize --model "models/repository/$1/1" --calibration "$data/train" \
    --repository models/repository --version 1 --eval "$data/val"
done
models/bin/models report --train "$data/train" --val "$data/val" --out models/REPORT.md
