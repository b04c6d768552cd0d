"""Deep Learning Made Simple: a desktop app for playing with the ideas behind deep learning."""

import os

# The app multiplies small matrices only. OpenBLAS's worker threads cost more than they
# save there, and on a busy two-core machine they can stall a training step for tens of
# milliseconds while competing with the window for the CPU. Set before NumPy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
