"""The wheel carries the glossary (a non-editable install must find it)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_glossary_catalogue_styles_and_data(tmp_path: Path) -> None:
    builder = WheelBuilder(str(ROOT))
    (wheel,) = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (ROOT / "glossary").glob("*.yaml"))
    assert shipped, "the repository has glossary files"
    for name in shipped:
        assert f"studyllm_tui/_glossary/{name}" in names
    package = ROOT / "studyllm_tui"
    for folder in ("i18n", "styles", "data/prompts", "data/corpus", "data/tuning"):
        shipped_files = sorted(p for p in (package / folder).iterdir() if p.is_file())
        assert shipped_files, folder
        for path in shipped_files:
            assert f"studyllm_tui/{path.relative_to(package).as_posix()}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "studyllm-tui = studyllm_tui.__main__:main" in text
