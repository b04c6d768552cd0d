"""Deep Learning Made Simple: a desktop app for playing with the ideas behind deep learning."""

__version__ = "0.1.0"
