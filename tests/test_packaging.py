"""The wheel carries the glossary (a non-editable install must find it)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_glossary_catalogue_and_styles(tmp_path: Path) -> None:
    builder = WheelBuilder(str(ROOT))
    (wheel,) = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(p.name for p in (ROOT / "glossary").glob("*.yaml"))
    assert shipped, "the repository has glossary files"
    for name in shipped:
        assert f"studyllm_tui/_glossary/{name}" in names
    assert "studyllm_tui/i18n/app.yaml" in names
    assert "studyllm_tui/styles/app.tcss" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "studyllm-tui = studyllm_tui.__main__:main" in text
