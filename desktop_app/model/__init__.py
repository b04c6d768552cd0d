"""The Qt-free model layer: plain NumPy objects that every tab drives and every test can step."""
