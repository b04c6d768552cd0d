"""Name, version and fixed identifiers of the packaged app, read from pyproject.toml.

pyproject.toml is the one source of truth: the PyInstaller spec, build.py, the smoke test
and the tests all ask this module rather than repeating the name or the version.
Needs only the standard library (tomllib, Python >= 3.11).
"""

from __future__ import annotations

import ast
import platform
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"

#: Name of the menu entry, of the icon in the icon theme and of the .desktop file. It equals
#: the project name, which is also what app.py passes to QGuiApplication.setDesktopFileName.
DISPLAY_NAME = "Deep Learning Made Simple"
#: AppStream component id (reverse-DNS, as AppStream requires; a placeholder until the
#: project has a home of its own) and the name of linux/<id>.metainfo.xml.
APPSTREAM_ID = "io.github.deep_learning_made_simple"
#: Every PNG size rendered from resources/icons/app.svg for the hicolor icon theme.
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    summary: str

    @property
    def arch(self) -> str:
        return {"amd64": "x86_64", "arm64": "aarch64"}.get(
            platform.machine().lower(), platform.machine().lower())

    @property
    def package_stem(self) -> str:
        """deep-learning-made-simple-0.1.0-linux-x86_64 (the archive and its top folder)."""
        return f"{self.name}-{self.version}-linux-{self.arch}"


def _version_from_attr(root: Path, attr: str) -> str:
    """Resolve setuptools' ``version = {attr = "pkg.mod.__version__"}`` without importing."""
    module, _, variable = attr.rpartition(".")
    base = root.joinpath(*module.split("."))
    source = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        for target in targets:
            if isinstance(target, ast.Name) and target.id == variable:
                return str(ast.literal_eval(node.value))
    raise LookupError(f"{source} does not assign {variable}")


def read_project(pyproject: Path | None = None) -> Project:
    pyproject = pyproject or ROOT / "pyproject.toml"
    with pyproject.open("rb") as stream:
        data = tomllib.load(stream)
    project = data["project"]
    if "version" in project:
        version = str(project["version"])
    elif "version" in project.get("dynamic", []):
        attr = data["tool"]["setuptools"]["dynamic"]["version"]["attr"]
        version = _version_from_attr(pyproject.parent, attr)
    else:
        raise LookupError(f"{pyproject} gives no version")
    return Project(name=project["name"], version=version,
                   summary=project.get("description", ""))


if __name__ == "__main__":
    info = read_project()
    print(info.name, info.version, info.package_stem)
