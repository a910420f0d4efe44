import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("LONGDEPS_PROGRESS", "0")


def pytest_configure(config):
    config.addinivalue_line("markers", "built: checks of the built HTML (run after jupyter-book build)")
    config.addinivalue_line("markers", "browser: loads the built HTML in headless Chromium")
