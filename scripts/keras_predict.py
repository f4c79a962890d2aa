"""Loads a model file with Keras 3 and prints its outputs for the 200 test photos as JSON.

Used by scripts/make-keras-fixture.sh, outside the project's build and tests (which never run
Python): the photos are loaded as flow_from_directory loads them (load_img with nearest resize
to the model's input size, RGB, x 1/255 unless --rescale says otherwise).

    python keras_predict.py MODEL_FILE TEST_SET_DIR [--rescale R] > outputs.json
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402


def main():
    model_file, test_set = sys.argv[1], sys.argv[2]
    rescale = float(sys.argv[sys.argv.index("--rescale") + 1]) if "--rescale" in sys.argv else 1.0 / 255
    model = keras.saving.load_model(model_file)
    height, width = model.input_shape[1], model.input_shape[2]
    names, images = [], []
    for cls in sorted(os.listdir(test_set)):
        for name in sorted(os.listdir(os.path.join(test_set, cls))):
            img = keras.utils.load_img(os.path.join(test_set, cls, name), target_size=(height, width), interpolation="nearest")
            images.append(keras.utils.img_to_array(img) * rescale)
            names.append(f"{cls}/{name}")
    outputs = model.predict(np.stack(images), batch_size=32, verbose=0)
    result = {
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "model_file": os.path.basename(model_file),
        "outputs": {n: [float(v) for v in row] for n, row in zip(names, outputs)},
    }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
