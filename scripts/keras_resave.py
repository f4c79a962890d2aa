"""Loads a model file with Keras 3 and saves it again with Keras' own model.save(), so a test
can read what Keras made of a file CNNViz exported.

    python keras_resave.py IN.keras OUT.keras
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402

keras.saving.load_model(sys.argv[1]).save(sys.argv[2])
