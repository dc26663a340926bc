"""Tests of gpec_teach._raster_io: the one raster-file reader and writer of the runners."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from affine import Affine

from gpec_teach._raster_io import NODATA, is_raster_file, read_raster_file, write_raster_file

# 10 m cells, upper-left corner at (100, 230): 3 rows x 2 columns
TRANSFORM = Affine(10.0, 0.0, 100.0, 0.0, -10.0, 230.0)
VALUES = np.array([[1.5, np.nan], [0.0, 7.0], [2.0 / 3.0, -3.0]])


@pytest.mark.parametrize("fmt", ["asc", "tif"])
def test_round_trip_keeps_values_nodata_transform_and_crs(tmp_path, fmt):
    path = write_raster_file(
        tmp_path / f"g.{fmt}", VALUES, transform=TRANSFORM, crs="EPSG:3035", fmt=fmt
    )
    back = read_raster_file(path)
    np.testing.assert_array_equal(back.values, VALUES)  # NaN <-> nodata both ways
    assert back.transform == TRANSFORM and back.nodata == NODATA
    assert back.crs.to_epsg() == 3035
    if fmt == "asc":  # the CRS of an ASCII grid lives in its .prj sidecar
        assert (tmp_path / "g.prj").is_file()


def test_decimals_round_and_ascii_text(tmp_path):
    # Circuitscape's rounding: 8 decimals, integers written without decimals
    path = write_raster_file(tmp_path / "g.asc", VALUES, transform=TRANSFORM, decimals=8)
    rows = path.read_text().splitlines()[-3:]
    assert rows[0].split() == ["1.5", "-9999"]
    assert rows[2].split() == ["0.66666667", "-3"]
    assert read_raster_file(path).values[2, 0] == 0.66666667


def test_gzip_ascii_grid(tmp_path):
    path = write_raster_file(
        tmp_path / "g.asc", VALUES, transform=TRANSFORM, crs="EPSG:3035", compress=True
    )
    assert path.name == "g.asc.gz" and not (tmp_path / "g.asc").exists()
    with gzip.open(path, "rt") as fh:
        assert fh.readline().split() == ["ncols", "2"]
    assert is_raster_file(path)
    np.testing.assert_array_equal(read_raster_file(path).values, VALUES)


def test_float32_output(tmp_path):
    path = write_raster_file(
        tmp_path / "g.tif", VALUES, transform=TRANSFORM, fmt="tif", dtype="float32"
    )
    # 2/3 in single precision, read back as float64
    assert read_raster_file(path).values[2, 0] == np.float32(2.0 / 3.0)


def test_is_raster_file_tells_grids_from_text_lists(tmp_path):
    (tmp_path / "points.txt").write_text("1 105 225\n2 115 205\n")
    grid = write_raster_file(tmp_path / "g.tif", VALUES, transform=TRANSFORM, fmt="tif")
    assert is_raster_file(grid) and not is_raster_file(tmp_path / "points.txt")


def test_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="Raster file not found: .*missing.asc"):
        read_raster_file(tmp_path / "missing.asc")
    (tmp_path / "bad.asc").write_text("not a grid\n")
    with pytest.raises(ValueError, match=r"source_file = bad.asc could not be read as a raster"):
        read_raster_file(tmp_path / "bad.asc", label="source_file = bad.asc")
