"""Default paths work in a checkout and from an installed package."""

from __future__ import annotations

import tomllib

from geo_ntm.paths import DEFAULT_REGION, ROOT, boundaries_dir, default_store, is_checkout


def test_in_the_checkout_the_region_and_store_are_the_repository_s():
    assert is_checkout(ROOT) and DEFAULT_REGION == ROOT / "boundaries" / "24-bac-ninh.gpkg" and DEFAULT_REGION.is_file()
    assert default_store(ROOT) == ROOT / "var" / "geo-ntm.sqlite"


def test_installed_the_region_is_a_data_file_and_the_store_is_in_the_user_s_data_folder(tmp_path):
    site = tmp_path / "lib" / "python3" / "site-packages"  # no pyproject.toml, no boundaries/: not a checkout
    site.mkdir(parents=True)
    assert not is_checkout(site)
    assert boundaries_dir(site, tmp_path) == tmp_path / "share" / "geo-ntm" / "boundaries"
    assert default_store(site, {"XDG_DATA_HOME": "/data"}).as_posix() == "/data/geo-ntm/geo-ntm.sqlite"
    assert default_store(site, {"HOME": "/home/an"}).as_posix() == "/home/an/.local/share/geo-ntm/geo-ntm.sqlite"


def test_the_package_installs_the_region_file_where_paths_looks_for_it():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    files = meta["tool"]["setuptools"]["data-files"]["share/geo-ntm/boundaries"]
    assert f"boundaries/{DEFAULT_REGION.name}" in files and all((ROOT / f).is_file() for f in files)
