"""The one setup every raster mode of :mod:`gpec_teach.circuit` opens with.

Checks the graph and solver keywords, reads the resistance raster and its
short-circuit regions through the one raster adapter, parses the focal points,
builds the circuit and checks that every focal id touches a node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._raster import Grid, unwrap
from ._focal import check_focal_on_nodes, focal_nodes, merge_regions, parse_focal
from ._graph import RasterGraph, build_graph, check_graph_options, region_labels
from ._solver import solver_options

__all__: list[str] = []


@dataclass(frozen=True)
class ModeSetup:
    """What a raster mode needs before it solves.

    Attributes
    ----------
    grid : Grid
        The resistance input (values, georeferencing).
    regions : numpy.ndarray or None
        Short-circuit labels (before any focal region is merged in).
    graph : RasterGraph
        The circuit (with the focal regions merged when asked).
    focal : dict or None
        ``{focal id: flat cell indices}``, sorted by id.
    node_of : dict or None
        ``{focal id: node}`` in *graph*.
    solver : dict
        The checked ``solver``, ``rtol`` and ``maxiter`` keywords.
    graph_options : dict
        The checked ``values``, ``neighbors`` and ``connection`` keywords.
    """

    grid: Grid
    regions: np.ndarray | None
    graph: RasterGraph
    focal: dict | None
    node_of: dict | None
    solver: dict
    graph_options: dict


def setup_mode(
    resistance,
    *,
    values: str,
    neighbors: int,
    connection: str,
    short_circuit=None,
    solver: str = "auto",
    rtol: float = 1e-6,
    maxiter: int = 1000,
    focal=None,
    focal_name: str = "focal",
    id_column: str | None = "id",
    merge_focal: bool = False,
) -> ModeSetup:
    """Validate the keywords, read the inputs and build the circuit of one mode.

    *merge_focal* short-circuits every focal region into one node of the graph
    (one-to-all, all-to-one); otherwise the graph has the short-circuit regions
    only.
    """
    check_graph_options(values, neighbors, connection)
    opts = solver_options(solver, rtol, maxiter)
    graph_options = {"values": values, "neighbors": neighbors, "connection": connection}
    grid = unwrap("resistance", resistance)
    regions = region_labels(short_circuit, grid)
    foc = None if focal is None else parse_focal(focal, grid, name=focal_name, id_column=id_column)
    build_regions = regions
    if merge_focal and foc:
        build_regions = merge_regions(regions, grid.values.shape, list(foc.values()))
    graph = build_graph(grid, regions=build_regions, **graph_options)
    node_of = None
    if foc is not None:
        check_focal_on_nodes(foc, graph.nodemap, focal_name)
        node_of = focal_nodes(foc, graph.nodemap)
    return ModeSetup(grid, regions, graph, foc, node_of, opts, graph_options)
