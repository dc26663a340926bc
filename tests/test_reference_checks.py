"""Tests of gpec_teach.reference_checks: the tables behind the book's validation appendix."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpec_teach import reference_checks


@pytest.mark.reference
def test_every_circuitscape_output_agrees(reference_dir):
    """The appendix table covers every job of Circuitscape.jl's suite, and all agree."""
    suite = reference_dir / "circuitscape_suite"
    if not suite.is_dir():
        pytest.skip(f"{suite} is absent")
    table = reference_checks.circuitscape_table(reference_dir)
    inis = {str(p.relative_to(suite / "input")) for p in suite.glob("input/**/*.ini")}
    assert set(table["job"]) == inis and len(inis) >= 41
    assert set(table["measure"]) == {"max |difference|", "sum of squared differences"}
    assert table["agrees"].all(), table[~table["agrees"]]


def test_circuitscape_jl_writes_rule():
    pairwise = {"scenario": "pairwise", "write_cur_maps": "True", "write_volt_maps": "False"}
    assert reference_checks.circuitscape_jl_writes(pairwise, "curmap_1_2.asc")
    assert not reference_checks.circuitscape_jl_writes(pairwise, "voltmap_1_2.asc")
    assert not reference_checks.circuitscape_jl_writes(pairwise, "curmap_max.asc")  # never written
    cum_only = {**pairwise, "write_cum_cur_map_only": "True"}
    assert not reference_checks.circuitscape_jl_writes(cum_only, "curmap_1_2.asc")
    assert reference_checks.circuitscape_jl_writes(cum_only, "cum_curmap.asc")
    one = {"scenario": "one-to-all", "write_cum_cur_map_only": "True"}
    assert reference_checks.circuitscape_jl_writes(
        one, "curmap_3.asc"
    )  # per-id maps still written
    assert not reference_checks.circuitscape_jl_writes(one, "curmap_3.asc", unpaired_ids={3})
    assert not reference_checks.circuitscape_jl_writes({"scenario": "advanced"}, "resistances.out")


@pytest.mark.reference
def test_makurhini_values_agree_to_the_published_digits(reference_dir):
    table = reference_checks.makurhini_table(reference_dir)
    # 3 global values, 3 fractions for each of 10 patches, MESH
    assert len(table) == 3 + 30 + 1
    assert table["agrees"].all(), table[~table["agrees"]]


def test_published_values_name_their_source():
    table = reference_checks.published_values()
    assert set(table["tool"]) == {"circuitscape", "makurhini", "fragstats"}
    assert table["source"].str.len().gt(10).all()
    assert table.loc[table["quantity"] == "PC", "published"].item() == pytest.approx(2.801281e-2)


def test_absent_reference_folder_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("GPEC_REFERENCE_DIR", str(tmp_path / "nowhere"))
    assert reference_checks.reference_dir() is None
    with pytest.raises(FileNotFoundError, match="set GPEC_REFERENCE_DIR"):
        reference_checks.makurhini_table()


def test_least_cost_rule_agrees_with_independent_dijkstra():
    table = reference_checks.least_cost_table()
    assert len(table) == 4 and table["agrees"].all(), table
    assert (table["reachable cells"] > 1000).all()


@pytest.mark.reference
def test_makurhini_conventions_on_real_patches(realdata_dir, reference_dir):
    result = reference_checks.makurhini_conventions(realdata_dir, reference_dir)
    out = dict(result.items())
    assert list(out) == ["centroids", "habitat_nodes", "vegetation", "ec_over_time", "protconn"]
    assert out["protconn"] is result.protconn
    moved = out["centroids"].set_index("layer")["centroid outside"]
    assert moved["vegetation_patches"] == 32 and moved["habitat_nodes"] == 52
    # Makurhini 3.0's published values: reproduced with inside_centroid, not the plain one
    hn = out["habitat_nodes"]
    assert hn["inside_centroid agrees"].all(), hn
    assert not hn["centroid agrees"].any(), hn
    ec = out["ec_over_time"]
    assert ec["year"].tolist() == [1993, 2003, 2007, 2011]
    # edge distances are never longer than centroid distances: EC is larger
    assert (ec["EC edge (ha)"] >= ec["EC centroid (ha)"]).all()
    assert (ec["EC centroid (ha)"] <= ec["habitat (ha)"]).all()
    pc = out["protconn"].set_index(["region", "distances", "fractions"])
    for region in ("west half", "east half"):
        for method in ("edge", "centroid"):
            exact, mk = pc.loc[(region, method, "exact")], pc.loc[(region, method, "makurhini")]
            assert mk["ProtConn"] == pytest.approx(exact["ProtConn"])
            # Makurhini's Prot is the square root of the exact share
            assert mk["ProtConn_Prot"] == pytest.approx(
                100 * (exact["ProtConn_Prot"] / 100) ** 0.5
            )


def test_default_folders_are_next_to_the_repository(monkeypatch):
    # Regression guard for the move into a subpackage: the default is ../shared/<name>
    # beside the repository, found from the package's own location.
    monkeypatch.delenv("GPEC_REFERENCE_DIR", raising=False)
    monkeypatch.delenv("GPEC_REALDATA_DIR", raising=False)
    repo = Path(reference_checks.__file__).resolve().parents[2]
    for found, name in (
        (reference_checks.reference_dir(), "reference"),
        (reference_checks.realdata_dir(), "realdata"),
    ):
        expected = repo.parent / "shared" / name
        assert found == (expected if expected.is_dir() else None)


def test_absent_realdata_folder_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("GPEC_REALDATA_DIR", str(tmp_path / "nowhere"))
    assert reference_checks.realdata_dir() is None
    with pytest.raises(FileNotFoundError, match="set GPEC_REALDATA_DIR"):
        reference_checks.makurhini_conventions()
