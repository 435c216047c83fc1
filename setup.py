"""Only one build step pyproject.toml cannot say: metadata.yml lives at the top of the checkout (where
operators edit it) and goes into the wheel inside the ``scraper`` package, where scraper/publish.py
finds it once installed (importlib.resources). Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithMetadata(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "scraper"
        if target.is_dir():  # an editable install builds no package tree: the checkout's file is used there
            shutil.copyfile(HERE / "metadata.yml", target / "metadata.yml")


setup(cmdclass={"build_py": BuildWithMetadata})
