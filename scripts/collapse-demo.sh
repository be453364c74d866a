#!/usr/bin/env bash
# The papers' failure provoked with our own training: MobileNetV1 and its QF twin trained alike, 4 epochs
# at a learning rate 10x the default (0.02), which leaves some of the baseline's depthwise inputs dead.
# In the baseline, folding BatchNorm then divides those channels' weights by about sqrt(epsilon); the QF
# twin has no BatchNorm there. `models report` measures both into models/collapse/REPORT.md (about 12 min
# on 2 cores; each training runs on one thread, so it repeats bit for bit).
# Usage: [COLLAPSE_LR=0.02] [COLLAPSE_EPOCHS=4] scripts/collapse-demo.sh [DATA_DIR]   (DATA_DIR default ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}/imagenette2-224
for variant in baseline qf; do
  name=$([ "$variant" = qf ] && echo qf-mobilenet-v1 || echo mobilenet-v1)
  models/bin/models train --arch mobilenet-v1 --variant "$variant" --width 0.5 --resolution 128 \
    --epochs "${COLLAPSE_EPOCHS:-4}" --lr "${COLLAPSE_LR:-0.02}" --batch 32 --threads 1 \
    --train "$data/train" --val "$data/val" --run "runs/collapse/$name"
  models/bin/models export --run "runs/collapse/$name" --repository runs/collapse/repository --version 1
done
mkdir -p models/collapse
models/bin/models report --repository runs/collapse/repository --models mobilenet-v1,qf-mobilenet-v1 \
  --train "$data/train" --val "$data/val" --draws 1 --out models/collapse/REPORT.md
