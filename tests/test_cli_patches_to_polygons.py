"""patches_to_polygons: the labels raster the CLI's habitat rule makes, as polygons."""

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from affine import Affine

from gpec_teach.fragmentation import label_patches, patches_to_polygons


def labelled(values, crs="EPSG:3035"):
    values = np.asarray(values)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 1000.0 - 100.0 * (np.arange(ny) + 0.5), "x": 100.0 * (np.arange(nx) + 0.5)},
    )
    return da.rio.write_crs(crs) if crs else da


def test_hand_worked_areas_and_georeferencing():
    # 100 m cells (1 ha): patch 1 has 3 cells, patch 4 one cell; 0 is no patch.
    polys = patches_to_polygons(labelled([[1, 1, 0], [1, 0, 4]]))
    assert polys["patch_id"].tolist() == [1, 4]
    assert polys["area_ha"].tolist() == [3.0, 1.0] and polys["n_cells"].tolist() == [3, 1]
    assert polys.geometry.area.tolist() == [30_000.0, 10_000.0]  # m2 match the cell counts
    assert polys.geometry.iloc[1].bounds == (200.0, 800.0, 300.0, 900.0)  # row 1, col 2
    assert polys.crs.to_epsg() == 3035


def test_ids_from_label_patches_round_trip():
    grid = labelled(np.array([[1, 0, 1], [0, 1, 0], [0, 0, 0]]))
    labels, n = label_patches(grid, cls=1, neighbors=8)  # one diagonal patch
    polys = patches_to_polygons(labels)
    assert n == 1 and len(polys) == 1 and polys["n_cells"].iloc[0] == 3
    assert polys.geometry.iloc[0].geom_type == "MultiPolygon"  # corner contacts only


def test_plain_array_with_transform_and_crs():
    polys = patches_to_polygons(
        np.array([[2, 0], [0, 0]]),
        crs="EPSG:3035",
        transform=Affine(30, 0, 0, 0, -30, 60),
        id_column="core",
    )
    assert polys["core"].tolist() == [2] and polys["area_ha"].iloc[0] == pytest.approx(0.09)


def test_errors():
    with pytest.raises(ValueError, match="labels is a plain array: pass transform= and crs="):
        patches_to_polygons(np.array([[1]]))
    with pytest.raises(ValueError, match="labels has no CRS"):
        patches_to_polygons(labelled([[1, 2]], crs=None))
    with pytest.raises(TypeError, match="labels must hold integer patch ids"):
        patches_to_polygons(labelled([[1.5, 2.0]]))
