"""Writes, with Keras 3's own model.save(), the small model files the import tests refuse or
accept by their structure (no training: only the layout matters):

    branches.keras      a functional model with two branches joined by Add
    chain.keras         a functional model that is one chain of layers (CNNViz reads it)
    channels_first.keras  a Conv2D with data_format="channels_first"
    mixed_float16.keras a model under the mixed_float16 dtype policy
    unsupported.keras   a SeparableConv2D, which CNNViz lacks, as layer 2
    rescaling.keras     a Rescaling(1/255) first, then ZeroPadding2D and the rest (CNNViz reads it)
    rescaling_outputs.json  Keras' outputs of rescaling.keras for raw pixels of the 200 test photos

    python keras_special_files.py OUT_DIR TEST_SET_DIR
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

out, test_set = sys.argv[1], sys.argv[2]
keras.utils.set_random_seed(3)

inputs = keras.Input(shape=(16, 16, 3))
a = layers.Conv2D(4, 3, padding="same")(inputs)
b = layers.Conv2D(4, 1)(inputs)
x = layers.Add()([a, b])
x = layers.Flatten()(x)
keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x), name="branches").save(f"{out}/branches.keras")

inputs = keras.Input(shape=(16, 16, 3))
x = layers.Conv2D(4, 3, activation="relu")(inputs)
x = layers.MaxPooling2D()(x)
x = layers.Flatten()(x)
keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x), name="chain").save(f"{out}/chain.keras")

keras.Sequential([keras.Input(shape=(3, 16, 16)), layers.Conv2D(4, 3, data_format="channels_first"),
                  layers.Flatten(), layers.Dense(1)], name="channels_first").save(f"{out}/channels_first.keras")

keras.mixed_precision.set_global_policy("mixed_float16")
keras.Sequential([keras.Input(shape=(16, 16, 3)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(1)],
                 name="mixed").save(f"{out}/mixed_float16.keras")
keras.mixed_precision.set_global_policy("float32")

keras.Sequential([keras.Input(shape=(16, 16, 3)), layers.Conv2D(4, 3), layers.SeparableConv2D(4, 3),
                  layers.Flatten(), layers.Dense(1)], name="unsupported").save(f"{out}/unsupported.keras")

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)), layers.Rescaling(1.0 / 255), layers.ZeroPadding2D(2),
    layers.Conv2D(6, 3, activation="relu"), layers.GlobalMaxPooling2D(), layers.Dense(2, activation="softmax"),
], name="rescaling")
model.save(f"{out}/rescaling.keras")
names, images = [], []
for cls in sorted(os.listdir(test_set)):
    for name in sorted(os.listdir(os.path.join(test_set, cls))):
        img = keras.utils.load_img(os.path.join(test_set, cls, name), target_size=(32, 32), interpolation="nearest")
        images.append(keras.utils.img_to_array(img))
        names.append(f"{cls}/{name}")
outputs = model.predict(np.stack(images), verbose=0)
with open(f"{out}/rescaling_outputs.json", "w") as f:
    json.dump({"keras_version": keras.__version__, "outputs": {n: [float(v) for v in r] for n, r in zip(names, outputs)}},
              f, indent=1, sort_keys=True)
