"""Rewrites a legacy .h5 model file the way h5py 2 (the Keras 2 era of the coursework) stored its
text: fixed-length byte strings for model_config, layer_names and weight_names, and
layer_names split in chunks (layer_names0, layer_names1) as Keras does for long lists, so the
import tests cover files older than those Keras writes today.

    python keras2_era_h5.py IN.h5 OUT.h5 [--float64]

With --float64 the weights are stored as float64 instead, which CNNViz refuses by name.
"""
import sys

import h5py
import numpy as np

src, dst = sys.argv[1], sys.argv[2]
dtype = "float64" if "--float64" in sys.argv else None
with h5py.File(src, "r") as a, h5py.File(dst, "w") as b:
    for key in a.attrs:
        value = a.attrs[key]
        b.attrs[key] = np.bytes_(value.encode("utf8") if isinstance(value, str) else value)

    def copy(name, obj):
        if isinstance(obj, h5py.Dataset):
            b.create_dataset(name, data=obj[()], dtype=dtype)
        else:
            group = b.require_group(name)
            for key in obj.attrs:
                value = obj.attrs[key]
                if key == "layer_names":
                    names = np.array([v.encode("utf8") if isinstance(v, str) else v for v in value], dtype="S")
                    half = (len(names) + 1) // 2
                    group.attrs["layer_names0"], group.attrs["layer_names1"] = names[:half], names[half:]
                elif key == "weight_names" and len(value):
                    group.attrs[key] = np.array([v.encode("utf8") if isinstance(v, str) else v for v in value], dtype="S")
                else:
                    group.attrs[key] = value

    a.visititems(copy)
