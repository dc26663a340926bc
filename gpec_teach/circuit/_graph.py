"""The raster circuit of :mod:`gpec_teach.circuit`: cells to nodes, neighbors to resistors.

Builds the graph Circuitscape builds from a resistance raster (the kernels are in
:mod:`gpec_teach._laplacian`), reads its short-circuit regions and the grids that sit
beside it (sources, grounds, masks) through the one raster adapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .. import _laplacian as kernels
from .._raster import Grid, unwrap, wrap_like
from .._validation import check_choice

__all__ = ["DEFAULT_CONNECTION", "RasterGraph", "raster_graph"]

#: Default rule for the conductance between neighbouring cells, used by every function
#: of this package that builds a raster circuit: ``"conductance"`` (average conductance,
#: ``mean(1/r_a, 1/r_b)``), the default of Circuitscape 4 (``cfg.py``:
#: ``connect_using_avg_resistances: False``), Circuitscape.jl and Omniscape.jl. Pass
#: ``connection="resistance"`` for the average-resistance rule, ``1 / mean(r_a, r_b)``.
DEFAULT_CONNECTION = "conductance"


VALUES = ("resistance", "conductance")


CONNECTIONS = ("resistance", "conductance")


def check_graph_options(values: str, neighbors: int, connection: str) -> None:
    """Check the graph keywords every raster mode takes (see :func:`raster_graph`)."""
    check_choice("values", values, VALUES)
    check_choice("neighbors", neighbors, (8, 4))
    check_choice("connection", connection, CONNECTIONS)


@dataclass(frozen=True)
class RasterGraph:
    """The circuit built from a raster: nodes, resistors and the cell-node map.

    Attributes
    ----------
    nodemap : numpy.ndarray
        Node index of every cell (int), ``-1`` where the cell is absent (nodata,
        barrier, or zero conductance). Cells of one short-circuit region share an
        index.
    n_nodes : int
        Number of nodes.
    i, j : numpy.ndarray
        End nodes of each resistor (``i != j``; a pair may appear several times,
        for instance a region touching a cell by two sides: conductances add).
    conductance : numpy.ndarray
        Conductance of each resistor (siemens if resistance is in ohm).
    resistance : numpy.ndarray
        Per-cell resistance used (NaN where absent; 0 allowed in regions).
    grid : Grid
        The unwrapped input (for georeferencing outputs).
    """

    nodemap: np.ndarray
    n_nodes: int
    i: np.ndarray
    j: np.ndarray
    conductance: np.ndarray
    resistance: np.ndarray
    grid: Grid = field(repr=False, default=None)

    def laplacian(self) -> sp.csr_matrix:
        """Weighted graph Laplacian :math:`L = D - A` (CSR, ``n_nodes x n_nodes``)."""
        return kernels.laplacian(self.n_nodes, self.i, self.j, self.conductance)

    def components(self) -> np.ndarray:
        """Connected-component label of every node."""
        return kernels.components(self.laplacian())

    def to_raster(self, node_values, *, fill: float = np.nan):
        """Spread one value per node over the cells (``fill`` where absent)."""
        values = np.asarray(node_values, dtype=float)
        out = kernels.to_raster(values, self.nodemap, fill=fill)
        return wrap_like(out, self.grid) if self.grid is not None else out


def resistance_values(grid: Grid, values: str, regions: np.ndarray | None, *, name: str):
    """Per-cell resistance from the input grid, after the sign checks."""
    arr = grid.values
    finite = np.isfinite(arr)
    negative = finite & (arr < 0)
    if negative.any():
        r, c = np.argwhere(negative)[0]
        raise ValueError(
            f"{name} has {int(negative.sum())} negative cell(s), first at (row, col)=({r}, {c}) "
            f"with value {arr[r, c]!r}. {values.capitalize()} must be positive; mark "
            "missing cells as NaN and barriers as np.inf."
        )
    if values == "resistance":
        zero = finite & (arr == 0)
        if zero.any():
            allowed = np.zeros_like(zero) if regions is None else regions > 0
            bad = zero & ~allowed
            if bad.any():
                r, c = np.argwhere(bad)[0]
                raise ValueError(
                    f"{name} has {int(bad.sum())} zero-resistance cell(s) outside any "
                    f"short-circuit region, first at (row, col)=({r}, {c}). Zero "
                    "resistance would be an infinite conductance: give those cells a small "
                    "positive resistance, or put them in short_circuit regions."
                )
        return arr.copy()
    with np.errstate(divide="ignore"):
        res = 1.0 / arr
    res[~np.isfinite(res)] = np.nan  # zero conductance = no node (Circuitscape)
    return res


def region_labels(short_circuit, grid: Grid, *, name: str = "short_circuit"):
    """Integer short-circuit labels aligned with *grid* (0 = no region), or None."""
    if short_circuit is None:
        return None
    labels = aligned(name, short_circuit, grid)
    finite = np.isfinite(labels)
    if np.any(finite & (labels != np.round(labels))):
        raise ValueError(f"{name} must hold integer region labels (0 or NaN = no region).")
    return np.where(finite, labels, 0).astype(np.int64)


def build_graph(
    grid: Grid, *, values, neighbors, connection, regions, name="resistance"
) -> RasterGraph:
    res = resistance_values(grid, values, regions, name=name)
    valid = np.isfinite(res)
    nodemap, n_nodes = kernels.build_nodemap(valid, regions)
    if n_nodes == 0:
        raise ValueError(
            f"{name} has no valid cell: every cell is nodata, a barrier or has zero conductance."
        )
    with np.errstate(divide="ignore"):
        i, j, g = kernels.build_edges(res, nodemap, neighbors=neighbors, connection=connection)
    if not np.all(np.isfinite(g)):
        k = int(np.argmax(~np.isfinite(g)))
        if connection == "conductance":
            raise ValueError(
                f"A zero-resistance cell of a short-circuit region touches a cell outside it "
                f"(nodes {int(i[k])} and {int(j[k])}): with connection='conductance' (average "
                "conductance, the default) that link has infinite conductance. Give the cell a "
                "small positive resistance, or pass connection='resistance'."
            )
        raise ValueError(
            f"Zero-resistance cells of two different short-circuit regions touch (nodes "
            f"{int(i[k])} and {int(j[k])}): the link between them has infinite conductance. "
            "Give the touching regions one label."
        )
    return RasterGraph(nodemap, n_nodes, i, j, g, res, grid)


def raster_graph(
    resistance,
    *,
    values: str = "resistance",
    neighbors: int = 8,
    connection: str = DEFAULT_CONNECTION,
    short_circuit=None,
) -> RasterGraph:
    r"""Build the resistor network (graph) that Circuitscape builds from a raster.

    Each valid cell becomes a node; neighbouring valid cells are joined by a
    resistor whose conductance follows Circuitscape's rules:

    .. math::

        g_{ab} = \frac{1}{w_{ab}} \cdot
        \begin{cases}
        \dfrac{1/r_a + 1/r_b}{2} & \text{average conductance (default)}\\[4pt]
        \dfrac{2}{r_a + r_b} & \text{average resistance}
        \end{cases}

    with :math:`r_a` the resistance of cell ``a`` (ohm per cell; the cell size
    does not enter, as in Circuitscape) and :math:`w_{ab} = 1` for edge
    neighbors, :math:`\sqrt{2}` for diagonal ones.

    Parameters
    ----------
    resistance : array_like or xarray.DataArray
        2-D grid of resistances (or conductances, see *values*). NaN (or the
        raster's nodata) = absent cell; ``np.inf`` = absolute barrier, also absent.
    values : {"resistance", "conductance"}, default "resistance"
        What the grid holds. Conductance 0 means "no node", as in Circuitscape.
        Zero resistance is an error unless the cell lies in a short-circuit region.
    neighbors : {8, 4}, default 8
        Connect 8 neighbors (Circuitscape default) or 4.
    connection : {"conductance", "resistance"}, default :data:`DEFAULT_CONNECTION` ("conductance")
        Average conductance (the default of Circuitscape 4, Circuitscape.jl and
        Omniscape: ``connect_using_avg_resistances = False``) or average resistance
        (``connect_using_avg_resistances = True``).
    short_circuit : array_like, optional
        Integer labels of short-circuit regions (polygons), same shape; 0 or NaN =
        no region. All cells of a region become one node (zero resistance inside),
        including region cells that are nodata, as long as the region has one valid
        cell.

    Returns
    -------
    RasterGraph
        Node map, resistor list and helper methods (``laplacian()``,
        ``components()``, ``to_raster()``).

    Raises
    ------
    ValueError
        Negative values, zero resistance outside a region, no valid cell, bad
        option.

    References
    ----------
    McRae et al. (2008), https://doi.org/10.1890/07-1861.1;
    Anantharaman et al. (2020), https://doi.org/10.21105/jcon.00058.

    Examples
    --------
    Two cells of resistance 1 and 4. Average conductance (the default):
    ``g = (1/1 + 1/4) / 2 = 0.625``; average resistance: ``g = 2 / (1 + 4) = 0.4``.

    >>> g = raster_graph([[1.0, 4.0]])
    >>> g.n_nodes, g.conductance.tolist()
    (2, [0.625])
    >>> raster_graph([[1.0, 4.0]], connection="resistance").conductance.tolist()
    [0.4]
    >>> g.laplacian().toarray()
    array([[ 0.625, -0.625],
           [-0.625,  0.625]])
    """
    check_graph_options(values, neighbors, connection)
    grid = unwrap("resistance", resistance)
    regions = region_labels(short_circuit, grid)
    return build_graph(
        grid, values=values, neighbors=neighbors, connection=connection, regions=regions
    )


def aligned(name, raster, grid: Grid, *, keep_inf: bool = False) -> np.ndarray:
    """Read a grid beside the resistance surface (sources, grounds, masks): same shape, CRS.

    Read with the one raster adapter, so its nodata value (``rio.nodata``, even an
    encoded 0 or -9999) is masked as NaN; ``+inf`` is kept with *keep_inf*.
    """
    return unwrap(name, raster, like=grid, keep_inf=keep_inf, allow_all_nodata=True).values
