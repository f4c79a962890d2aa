#!/usr/bin/env bash
# Regenerates Tests/KerasFilesTests/Fixtures/trained-by-cnnviz/: a model trained by cnnviz train
# (from Keras' own to_json of a small architecture), exported by cnnviz export, then loaded by
# Keras 3, whose outputs on the 200 test photos and whose own re-save are kept for the tests
# (which run no Python). Run by hand; needs a Python with keras 3 and a backend, e.g.
#   python3 -m venv /tmp/venv && /tmp/venv/bin/pip install keras tensorflow-cpu pillow
#   PYTHON=/tmp/venv/bin/python scripts/make-keras-fixture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
photos=../shared/datasets/cats-and-dogs
out=Tests/KerasFilesTests/Fixtures/trained-by-cnnviz
swift build
cnnviz=$(swift build --show-bin-path)/cnnviz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" scripts/keras_architecture.py > "$work/architecture.json"
"$cnnviz" train --architecture "$work/architecture.json" --train "$photos/training_set" \
    --epochs 2 --steps-per-epoch 10 --seed 7 --no-report --output "$work/run"
"$cnnviz" export --model "$work/run/model" --output "$work/exported.keras"
"$cnnviz" export --model "$work/run/model" --output "$work/exported.h5"

rm -rf "$out"
mkdir -p "$out/model"
cp "$work/architecture.json" "$out/architecture.keras.json"
cp "$work/run/model/model.json" "$work/run/model/weights.safetensors" "$out/model/"
cp "$work/exported.keras" "$work/exported.h5" "$out/"
"$PYTHON" scripts/keras_predict.py "$out/exported.keras" "$photos/test_set" > "$out/keras_outputs.json"
"$PYTHON" scripts/keras_predict.py "$out/exported.h5" "$photos/test_set" > "$out/keras_outputs_h5.json"
"$PYTHON" scripts/keras_resave.py "$out/exported.keras" "$out/resaved_by_keras.keras"
ls -l "$out"
