import numpy as np
import pytest
import rasterio
import rioxarray  # noqa: F401
import xarray as xr

from gpec_teach.export import NODATA, save_raster

INF, NAN = np.inf, np.nan


def grid(values, *, crs="EPSG:3035", nodata=None):
    values = np.asarray(values, dtype=float)
    ny, nx = values.shape
    da = xr.DataArray(
        values,
        dims=("y", "x"),
        coords={"y": 1000.0 - 100.0 * (np.arange(ny) + 0.5), "x": 100.0 * (np.arange(nx) + 0.5)},
    )
    da = da.rio.write_crs(crs) if crs else da
    return da.rio.write_nodata(nodata) if nodata is not None else da


def read(path):
    with rasterio.open(path) as f:
        return f.read(1), f.nodata, f.crs, f.dtypes[0], f.transform, f.tags(ns="IMAGE_STRUCTURE")


def test_barriers_and_nodata_become_the_nodata_value_in_float32_cog(tmp_path):
    # 2 x 3 resistance: one barrier (inf), one nodata (NaN); QGIS must see finite numbers only.
    da = grid([[1.0, INF, 5.0], [NAN, 2.5, 10.0]])
    path = save_raster(da, tmp_path / "out" / "resistance.tif")
    values, nodata, crs, dtype, transform, tags = read(path)
    assert dtype == "float32" and nodata == NODATA and crs.to_epsg() == 3035
    assert values.tolist() == [[1.0, NODATA, 5.0], [NODATA, 2.5, 10.0]]
    assert transform.a == 100.0 and transform.f == 1000.0  # cell size and top edge kept
    assert tags.get("LAYOUT") == "COG"


def test_barriers_as_the_largest_value(tmp_path):
    path = save_raster(grid([[1.0, INF], [NAN, 4.0]]), tmp_path / "r.tif", barriers="max")
    assert read(path)[0].tolist() == [[1.0, 4.0], [NODATA, 4.0]]


def test_the_rasters_own_nodata_is_rewritten(tmp_path):
    # a land-cover-derived raster keeps nodata 0: those cells are written as -9999
    path = save_raster(
        grid([[0.0, 3.0], [4.0, 0.0]], nodata=0.0), tmp_path / "r.tif", dtype="float64"
    )
    values, nodata, *_ = read(path)
    assert values.tolist() == [[NODATA, 3.0], [4.0, NODATA]] and nodata == NODATA


def test_geographic_crs_is_fine_for_writing(tmp_path):
    path = save_raster(grid([[1.0, 2.0], [3.0, 4.0]], crs="EPSG:4326"), tmp_path / "g.tif")
    assert read(path)[2].to_epsg() == 4326


def test_overwrite(tmp_path):
    path = save_raster(grid([[1.0, 1.0], [1.0, 1.0]]), tmp_path / "r.tif")
    with pytest.raises(ValueError, match="exists; pass overwrite=True"):
        save_raster(grid([[2.0, 2.0], [2.0, 2.0]]), path)
    save_raster(grid([[2.0, 2.0], [2.0, 2.0]]), path, overwrite=True)
    assert read(path)[0].tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_errors_name_the_argument_and_the_fix(tmp_path):
    with pytest.raises(TypeError, match=r"raster must be a georeferenced.*copy\(data=array\)"):
        save_raster(np.ones((2, 2)), tmp_path / "a.tif")
    with pytest.raises(ValueError, match="raster has no CRS"):
        save_raster(grid([[1.0]], crs=None), tmp_path / "b.tif")
    with pytest.raises(ValueError, match=r"path must end in \.tif"):
        save_raster(grid([[1.0]]), tmp_path / "c.asc")
    with pytest.raises(ValueError, match="no valid cell"):
        save_raster(grid([[NAN, INF]]), tmp_path / "d.tif")
    with pytest.raises(ValueError, match="-inf"):
        save_raster(grid([[1.0, -INF]]), tmp_path / "e.tif")
    with pytest.raises(ValueError, match="dtype must be one of"):
        save_raster(grid([[1.0]]), tmp_path / "f.tif", dtype="int8")
    with pytest.raises(ValueError, match="barriers must be one of"):
        save_raster(grid([[1.0]]), tmp_path / "g.tif", barriers="zero")


def test_save_raster_style_errors(tmp_path):
    da = grid([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"style\['kind'\] must be one of"):
        save_raster(da, tmp_path / "r.tif", style="graduated")
    with pytest.raises(TypeError, match="style must be one of"):
        save_raster(da, tmp_path / "r.tif", style=3)
    with pytest.raises(ValueError, match="unknown option"):
        save_raster(da, tmp_path / "r.tif", style={"kind": "continuous", "ramp": "x"})
    assert not (tmp_path / "r.tif").exists()  # validated before writing


def test_save_vector_writes_a_reopenable_geopackage(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from gpec_teach.export import save_vector

    gdf = gpd.GeoDataFrame(
        {"site": [4, 9]}, geometry=[box(0, 0, 1, 1), box(2, 2, 3, 3)], crs="EPSG:3035"
    )
    path = save_vector(gdf, tmp_path / "out" / "sites.gpkg")
    back = gpd.read_file(path, layer="sites")
    assert back.crs.to_epsg() == 3035 and back["site"].tolist() == [4, 9]
    assert not path.with_suffix(".qml").exists()  # no style unless asked
    with pytest.raises(TypeError, match="gdf must be a geopandas.GeoDataFrame"):
        save_vector(gdf.drop(columns="geometry"), tmp_path / "x.gpkg")
    with pytest.raises(ValueError, match="gdf has no CRS"):
        save_vector(gdf.set_crs(None, allow_override=True), tmp_path / "x.gpkg")
    with pytest.raises(ValueError, match="path must end in .gpkg"):
        save_vector(gdf, tmp_path / "x.shp")
    with pytest.raises(ValueError, match="layer must be a non-empty name"):
        save_vector(gdf, tmp_path / "x.gpkg", layer="layer_styles")
