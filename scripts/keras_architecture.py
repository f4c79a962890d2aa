"""Prints, as Keras' model.to_json() writes it, the small architecture the Keras fixture is
trained from: every layer kind a CNNViz export must carry to Keras, at 32x32 to stay small.

    python keras_architecture.py > architecture.json
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
from keras import layers  # noqa: E402

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.ZeroPadding2D(padding=((1, 0), (0, 1))),
    layers.Conv2D(8, (3, 3), strides=2, padding="same", activation="relu"),
    layers.BatchNormalization(),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Conv2D(8, (3, 3), activation="tanh"),
    layers.AveragePooling2D(pool_size=(2, 2)),
    layers.Flatten(),
    layers.Dropout(0.25),
    layers.Dense(16),
    layers.Activation("relu"),
    layers.Dense(1, activation="sigmoid"),
], name="fixture")
sys.stdout.write(model.to_json(indent=1) + "\n")
