"""What pyproject.toml cannot say on its own: queries/ and static/ stay at the top of the repository (the
project's fixed shape) but ship inside the package, as app/bundled/queries and app/bundled/static, so an
installed wheel finds them beside its code (app/resources.py)."""
from setuptools import find_packages, setup

BUNDLED = {"app.bundled.queries": "queries", "app.bundled.static": "static"}

setup(
    packages=find_packages(include=["app", "app.*"]) + list(BUNDLED),
    package_dir=BUNDLED,
)
