r"""ProtConn and its fractions from node areas and a distance matrix (the array level)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
from scipy.sparse.csgraph import connected_components, dijkstra

from .. import _graph_kernels as _k
from .._validation import check_choice, check_positive, check_probability, describe
from ..graph import (
    dispersal_probability,
    equivalent_connected_area,
    max_product_probability,
    pc_numerator,
)

__all__ = ["FRACTIONS", "FRACTION_UNITS", "KINDS", "ProtConnResult", "protconn_from_matrix"]

#: Node kinds: counted PAs, stepping stones outside the region, land parts (Bound).
KINDS: tuple[str, ...] = ("domestic", "transboundary", "land")
_DOMESTIC, _TRANS, _LAND = 0, 1, 2
#: How the fractions are expressed (see :func:`protconn_from_matrix`).
FRACTION_UNITS: tuple[str, ...] = ("protconn", "region", "nested")
#: Exact shares of PCnum, or Makurhini's ratios of square roots.
FRACTIONS: tuple[str, ...] = ("exact", "makurhini")


@dataclass(frozen=True)
class ProtConnResult:
    """ProtConn of one region at one dispersal distance (:func:`protconn_from_matrix`).

    Percentages are of the region's area (Prot, ProtConn, ProtUnconn,
    ProtConn_Bound, ProtUnconn_Design) or as set by ``fraction_units`` (the
    ``ProtConn_*`` fractions); see :func:`protconn_from_matrix` for every formula.
    ``to_dict()`` gives a table row; the polygon-level tables name
    ``dispersal_distance`` ``distance_km``.
    """

    dispersal_distance: float
    Prot: float
    ProtConn: float
    ProtUnconn: float
    RelConn: float
    ProtConn_Bound: float
    ProtUnconn_Design: float
    ProtConn_Prot: float
    ProtConn_Within: float
    ProtConn_Contig: float
    ProtConn_Trans: float
    ProtConn_Unprot: float
    EC: float
    PCnum: float
    region_area: float
    protected_area: float
    n_protected: int
    n_transboundary: int

    def to_dict(self) -> dict[str, float]:
        """Return the fields as a dict, in order (one table row)."""
        return asdict(self)

    @classmethod
    def field_names(cls) -> list[str]:
        """Return the field names, in order (the columns of a table of results)."""
        return [f.name for f in fields(cls)]


def protconn_from_matrix(
    areas,
    distances,
    *,
    region_area: float,
    dispersal_distance: float,
    probability: float = 0.5,
    kinds=None,
    fraction_units: str = "protconn",
    contiguity_tolerance: float = 0.0,
    fractions: str = "exact",
) -> ProtConnResult:
    r"""ProtConn, its companion measures and fractions from areas and a distance matrix.

    .. math::

        \mathrm{Prot} = 100 \frac{\sum_i a_i}{A_L}, \quad
        \mathrm{ProtConn} = 100 \frac{\sqrt{PC_{num}}}{A_L}, \quad
        PC_{num} = \sum_{i} \sum_{j} a_i a_j p^*_{ij}

        \mathrm{ProtUnconn} = \mathrm{Prot} - \mathrm{ProtConn}, \quad
        \mathrm{RelConn} = 100 \frac{\mathrm{ProtConn}}{\mathrm{Prot}}

    with :math:`p_{ij} = P^{d_{ij}/D}` (:math:`P` = ``probability`` at
    :math:`D` = ``dispersal_distance``; Saura et al. 2017 use :math:`P = 0.5`, so
    :math:`D` is the median dispersal distance) and :math:`p^*_{ij}` the
    maximum-product path probability through *all* nodes (domestic and
    transboundary PAs). Sums run over domestic PAs only: transboundary PAs are
    stepping stones with no area of their own (DOPA method).

    **Fractions** (Saura et al. 2017). Every term
    :math:`a_i a_j p^*_{ij}` of :math:`PC_{num}` is assigned to one kind of
    connection by the maximum-product path between *i* and *j*:

    - *Within*: :math:`i = j` (movement inside one PA), :math:`\sum_i a_i^2`;
    - *Contig*: :math:`i \ne j` joined by a chain of touching domestic PAs
      (:math:`p^*_{ij} = 1`, movement through protected land only);
    - *Trans*: the best path needs transboundary PAs: :math:`p^*_{ij}` is
      larger than the best path through domestic PAs only;
    - *Unprot*: the rest: the best path crosses unprotected land (through
      domestic stepping stones or directly).

    A path through domestic PAs is preferred when it is as good as one through
    transboundary PAs. :math:`PC_{num} = W + C + T + U` exactly, and
    :math:`\mathrm{ProtConn[Prot]} = \mathrm{ProtConn[Within]} +
    \mathrm{ProtConn[Contig]}`. With ``fraction_units="protconn"`` (default,
    as in Saura et al. 2017) each fraction is :math:`100\,X/PC_{num}` (percent
    of ProtConn): Prot + Trans + Unprot = 100 and Within + Contig = Prot.
    With ``"region"`` each is :math:`\mathrm{ProtConn}\,X/PC_{num}` (percent of
    the region's area, Makurhini's ``*_land`` columns): Prot + Trans + Unprot =
    ProtConn. With ``"nested"`` (recent Makurhini versions, where
    ``Contig = 100 - Within``) Prot, Trans and Unprot are percent of ProtConn
    but Within and Contig are percent of ProtConn[Prot] (they add up to 100).
    Older Makurhini versions and other R implementations report
    ``Contig = Prot - Within`` in percent of ProtConn, which is our default;
    the two only differ in the base of the percentage.

    **Makurhini's fractions** (``fractions="makurhini"``). Makurhini does
    not follow paths; it compares equivalent connected areas, i.e. square
    roots of partial sums. With :math:`A_k` the area of block *k* of touching
    domestic PAs (Makurhini dissolves them into one node) and
    :math:`EC_{dom}` the EC of the graph without the transboundary PAs, in
    percent of ProtConn:

    .. math::

        \mathrm{Prot}_M = 100 \frac{\sqrt{\sum_k A_k^2}}{EC}, \quad
        \mathrm{Trans}_M = 100 \frac{EC - EC_{dom}}{EC}, \quad
        \mathrm{Unprot}_M = \max(0,\ 100 - \mathrm{Prot}_M - \mathrm{Trans}_M)

        \mathrm{Within}_M = \min\left(100,\ 100 \frac{\sqrt{\sum_i a_i^2}}{EC}\right),
        \quad \mathrm{Contig}_M = \mathrm{Prot}_M - \mathrm{Within}_M

    (Makurhini multiplies Within by :math:`\sqrt{\sum_k A_k / \sum_i a_i}`,
    which is 1 for non-overlapping PAs; Prot and Within are capped at 100,
    which only matters with centroid distances, where touching PAs are not
    fully connected unless dissolved first, as Makurhini does:
    ``clean_protected_areas(..., overlaps="dissolve")``). With edge
    distances the exact shares are the squares of such ratios: exact Prot
    is :math:`\sum_k A_k^2 / PC_{num}` and exact Within
    :math:`\sum_i a_i^2 / PC_{num}`, Makurhini's are their square roots, so
    Makurhini's Prot and Within are larger (they agree only at 0 % and
    100 %) and its Unprot, defined as the rest, is usually smaller; its
    Trans compares two ECs instead of counting the pairs whose best path
    uses a transboundary PA. In the example
    below, exact Within = 500 / 700 = 71.4 % of ProtConn, Makurhini's
    :math:`\sqrt{500/700}` = 84.5 %. Makurhini's Prot + Trans + Unprot is 100
    only because Unprot is defined as the rest. ProtConn, Prot and EC do not
    depend on this option. With ``fraction_units="nested"`` and
    ``fractions="makurhini"`` the Within/Contig pair is Makurhini's current
    output literally: Within as above (percent of ProtConn) and
    Contig = 100 - Within; ``"region"`` multiplies every fraction by
    ProtConn / 100 (Makurhini's ``*_land`` columns).

    **ProtConn_Bound** (Saura et al. 2018). Nodes of kind ``"land"`` (the
    polygons, e.g. islands, of the region's land; no area of their own) are
    added as perfectly permeable stepping stones: PAs on the same land part
    become fully connected, but crossing the sea or foreign land between parts
    still costs the real distance. :math:`EC_{design}` is EC on that graph.
    The protected but unconnected land that better PA design could fix, and the
    bounded indicator, are

    .. math::

        \mathrm{ProtUnconn[Design]} = 100 \frac{EC_{design} - EC}{A_L}, \quad
        \mathrm{ProtConn_{Bound}} = \mathrm{Prot} - \mathrm{ProtUnconn[Design]}

    so :math:`\mathrm{ProtConn} \le \mathrm{ProtConn_{Bound}} \le \mathrm{Prot}`;
    the two are equal for a region that is one piece of land. This follows the
    formulation of Makurhini (``ProtUnconn_Design``, ``ProtConn_Bound``).

    Parameters
    ----------
    areas : array_like
        Area of every node in the region, :math:`a_i` (any unit; ``region_area``
        in the same unit). Must be positive for domestic PAs; ignored (counted as
        0) for transboundary and land nodes.
    distances : array_like
        Square symmetric matrix of edge-to-edge distances between nodes, in the
        unit of ``dispersal_distance``; 0 for touching PAs, ``np.inf`` for no link.
    region_area : float
        :math:`A_L`, area of the region (land only), same unit as ``areas``.
    dispersal_distance : float
        Dispersal distance :math:`D` at which the probability is ``probability``,
        in the unit of ``distances``.
    probability : float, default 0.5
        Probability :math:`P` at ``dispersal_distance``, strictly between 0 and 1.
    kinds : array_like of str, optional
        ``"domestic"`` (PA inside the region: counted), ``"transboundary"`` (PA
        outside: stepping stone only) or ``"land"`` (land part of the region,
        only for ProtConn_Bound). Default: all domestic.
    fraction_units : {"protconn", "region", "nested"}, default "protconn"
        How the fractions are expressed (see above).
    contiguity_tolerance : float, default 0.0
        Distances up to this value count as touching (distance 0), in the unit
        of ``distances``; absorbs digitising slivers.
    fractions : {"exact", "makurhini"}, default "exact"
        ``"exact"``: shares of :math:`PC_{num}` by the kind of maximum-product
        path (Saura et al. 2017); ``"makurhini"``: Makurhini's ratios of
        square roots (see above).

    Returns
    -------
    ProtConnResult
        ``dispersal_distance``, ``Prot``, ``ProtConn``, ``ProtUnconn``,
        ``RelConn``, ``ProtConn_Bound``, ``ProtUnconn_Design`` (NaN without land
        nodes), ``ProtConn_Prot``, ``ProtConn_Within``, ``ProtConn_Contig``,
        ``ProtConn_Trans``, ``ProtConn_Unprot``, ``EC`` (area unit), ``PCnum``
        (area unit squared), ``region_area``, ``protected_area``,
        ``n_protected``, ``n_transboundary``. Percentages lie in [0, 100]. With
        no domestic PA, Prot = ProtConn = 0 and RelConn and the fractions are
        NaN (undefined).

    References
    ----------
    Saura, S. et al. (2017). Ecological Indicators 76, 144-158,
    https://doi.org/10.1016/j.ecolind.2016.12.047

    Saura, S. et al. (2018). Biological Conservation 219, 53-67,
    https://doi.org/10.1016/j.biocon.2017.12.020

    Godínez-Gómez, O. & Correa Ayram, C. A. Makurhini: analyzing landscape
    connectivity (R package), function ``MK_ProtConn`` and its
    documentation, https://github.com/connectscape/Makurhini

    Examples
    --------
    A 100 km2 region with PAs of 10 and 20 km2, 10 km apart, median dispersal
    10 km (:math:`p = 0.5`): :math:`PC_{num} = 100 + 400 + 2 \cdot 10 \cdot 20
    \cdot 0.5 = 700`, EC = 26.458 km2, ProtConn = 26.458 %, Prot = 30 %;
    Within = 500/700 = 71.4 % and Unprot = 200/700 = 28.6 % of ProtConn.

    >>> r = protconn_from_matrix([10, 20], [[0, 10], [10, 0]], region_area=100, dispersal_distance=10)
    >>> round(r.ProtConn, 3), r.Prot, round(r.ProtConn_Within, 1)
    (26.458, 30.0, 71.4)

    Makurhini's formulas: Within = :math:`100\sqrt{500}/\sqrt{700}` = 84.5 %,
    Unprot = 100 - 84.5 = 15.5 %:

    >>> m = protconn_from_matrix([10, 20], [[0, 10], [10, 0]], region_area=100,
    ...                          dispersal_distance=10, fractions="makurhini")
    >>> round(m.ProtConn, 3), round(m.ProtConn_Within, 1), round(m.ProtConn_Unprot, 1)
    (26.458, 84.5, 15.5)
    """
    region_area = check_positive("region_area", region_area)
    dispersal_distance = check_positive("dispersal_distance", dispersal_distance)
    probability = check_probability("probability", probability)
    check_choice("fraction_units", fraction_units, FRACTION_UNITS)
    check_choice("fractions", fractions, FRACTIONS)
    tol = check_positive("contiguity_tolerance", contiguity_tolerance, allow_zero=True)
    a, d = _check_areas_distances(areas, distances)
    k = check_kinds(kinds, a.size)
    dom = k == _DOMESTIC
    if (a[dom] <= 0).any():
        i = int(np.flatnonzero(dom & (a <= 0))[0])
        raise ValueError(
            f"areas must be positive for domestic protected areas. Got areas[{i}]={float(a[i])!r}. "
            "Drop empty PAs, or mark stepping stones as kinds='transboundary'."
        )
    protected = float(a[dom].sum())
    if protected > region_area * (1 + 1e-9):
        raise ValueError(
            f"The protected area ({protected!r}) is larger than region_area={region_area!r}. "
            "Remove overlaps between PAs (clean_protected_areas) and clip them to the region."
        )
    return compute_protconn(
        a, d, k, region_area, dispersal_distance, probability, fraction_units, tol, fractions
    )


def _check_areas_distances(areas, distances):
    """Areas (1-D, >= 0) and a matching symmetric non-negative distance matrix."""
    a = np.asarray(areas)
    if a.dtype == object or not np.issubdtype(a.dtype, np.number):
        raise TypeError(f"areas must be a 1-D array of numbers. Got {describe(areas)}.")
    a = np.atleast_1d(a.astype(np.float64))
    if a.ndim != 1:
        raise ValueError(f"areas must be 1-D (one value per node). Got shape {a.shape}.")
    if not np.isfinite(a).all() or (a < 0).any():
        raise ValueError("areas must be finite and non-negative (km2 or another area unit).")
    d = np.asarray(distances)
    if d.dtype == object or not np.issubdtype(d.dtype, np.number):
        raise TypeError(
            f"distances must be a square matrix of numbers. Got {describe(distances)}."
        )
    d = d.astype(np.float64)
    if d.ndim != 2 or d.shape != (a.size, a.size):
        raise ValueError(
            f"distances must be a square matrix with one row per node ({a.size} x {a.size}). "
            f"Got shape {d.shape}."
        )
    if np.isnan(d).any() or (d < 0).any():
        raise ValueError(
            "distances must be non-negative (0 = touching, np.inf = no link); got NaN or a "
            "negative value."
        )
    if not np.array_equal(np.isinf(d), np.isinf(d).T) or not np.allclose(
        np.where(np.isinf(d), 0, d), np.where(np.isinf(d), 0, d).T, rtol=1e-9, atol=0
    ):
        raise ValueError("distances must be symmetric. Symmetrise it, e.g. np.minimum(d, d.T).")
    return a, d


def check_kinds(kinds, n: int) -> np.ndarray:
    """Node kinds as codes 0 (domestic), 1 (transboundary), 2 (land); default all domestic."""
    if kinds is None:
        return np.zeros(n, dtype=np.int8)
    values = np.asarray(kinds, dtype=object).ravel()
    if values.size != n:
        raise ValueError(f"kinds must give one kind per node ({n}). Got {values.size} values.")
    out = np.empty(n, dtype=np.int8)
    for i, v in enumerate(values):
        check_choice(f"kinds[{i}]", v, KINDS)
        out[i] = KINDS.index(v)
    return out


@dataclass(frozen=True)
class _Decomposition:
    """PCnum of the domestic PAs and its split by the kind of maximum-product path."""

    a_dom: np.ndarray  # areas of the domestic PAs
    pstar_dom: np.ndarray  # p* through domestic PAs only
    label: np.ndarray  # block of touching domestic PAs of each domestic PA
    pcnum: float
    ec: float
    within: float  # sum of a_i^2
    contig: float  # pairs joined by touching domestic PAs
    trans: float  # pairs whose best path needs a transboundary PA
    unprot: float  # the rest: best path crosses unprotected land


def _decompose(a, d, k, touching, dispersal_distance, probability) -> _Decomposition:
    """p* among PAs (domestic + transboundary) and the split of PCnum (Saura et al. 2017)."""
    dom_all = np.flatnonzero(k == _DOMESTIC)
    pas = np.flatnonzero(k != _LAND)
    n_trans = int((k == _TRANS).sum())
    d_pa = d[np.ix_(pas, pas)]
    p_pa = dispersal_probability(
        d_pa, dispersal_distance=dispersal_distance, probability=probability
    )
    dom = np.flatnonzero(k[pas] == _DOMESTIC)  # positions of domestic PAs within `pas`
    pstar = _pstar_between(p_pa, dom)
    a_dom = a[dom_all]
    off = ~np.eye(a_dom.size, dtype=bool)
    _, label = connected_components(touching[np.ix_(dom_all, dom_all)] & off, directed=False)
    contig = (label[:, None] == label[None, :]) & off
    terms = np.outer(a_dom, a_dom) * pstar
    if n_trans:
        pstar_dom = max_product_probability(p_pa[np.ix_(dom, dom)])
        trans = (pstar > pstar_dom * (1 + 1e-9) + 1e-300) & off & ~contig
    else:
        pstar_dom, trans = pstar, np.zeros_like(off)
    return _Decomposition(
        a_dom=a_dom,
        pstar_dom=pstar_dom,
        label=label,
        pcnum=pc_numerator(a_dom, pstar),
        ec=equivalent_connected_area(a_dom, pstar),
        within=float(np.sum(a_dom**2)),
        contig=float(terms[contig].sum()),
        trans=float(terms[trans].sum()),
        unprot=float(terms[off & ~contig & ~trans].sum()),
    )


def _pstar_between(p: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Maximum-product probabilities between *nodes* through every node of *p*.

    The rows of :func:`max_product_probability` for *nodes* only (Dijkstra from
    each of them): ProtConn sums over the domestic PAs, the other nodes are
    stepping stones, so the paths between stepping stones are never needed.
    """
    if nodes.size == p.shape[0]:
        return max_product_probability(p)
    graph = _k.cost_graph(p)
    costs = dijkstra(graph, directed=False, indices=nodes)[:, nodes]
    out = np.exp(-costs)
    np.fill_diagonal(out, 1.0)
    return out


def compute_protconn(
    a,
    d,
    k,
    region_area,
    dispersal_distance,
    probability,
    fraction_units,
    tol,
    fractions="exact",
    touching=None,
) -> ProtConnResult:
    """Compute ProtConn and fractions; inputs already validated (see protconn_from_matrix).

    ``touching`` (boolean, all nodes) says which nodes touch when ``d`` is not an
    edge-to-edge matrix (centroid distances); by default touching = ``d <= tol``.
    """
    if touching is None:
        d = np.where(d <= tol, 0.0, d)
        touching = d == 0.0
    np.fill_diagonal(d, 0.0)
    has_land = bool((k == _LAND).any())
    n_trans = int((k == _TRANS).sum())
    if not (k == _DOMESTIC).any():
        return _empty_result(dispersal_distance, region_area, n_trans, has_land)
    dec = _decompose(a, d, k, touching, dispersal_distance, probability)
    prot = 100.0 * float(dec.a_dom.sum()) / region_area
    pconn = 100.0 * dec.ec / region_area
    shares = _makurhini_shares(dec, n_trans) if fractions == "makurhini" else _exact_shares(dec)
    split = _express(shares, dec, pconn, fraction_units, fractions)
    if has_land:
        p_all = dispersal_probability(
            d, dispersal_distance=dispersal_distance, probability=probability
        )
        dom_all = np.flatnonzero(k == _DOMESTIC)
        ec_design = equivalent_connected_area(dec.a_dom, _pstar_between(p_all, dom_all))
        design = 100.0 * max(ec_design - dec.ec, 0.0) / region_area
        bound = prot - design
    else:
        design = bound = math.nan
    return ProtConnResult(
        dispersal_distance=float(dispersal_distance),
        Prot=prot,
        ProtConn=pconn,
        ProtUnconn=prot - pconn,
        RelConn=100.0 * pconn / prot,
        ProtConn_Bound=bound,
        ProtUnconn_Design=design,
        **split,
        EC=dec.ec,
        PCnum=dec.pcnum,
        region_area=float(region_area),
        protected_area=float(dec.a_dom.sum()),
        n_protected=int(dec.a_dom.size),
        n_transboundary=n_trans,
    )


def _empty_result(dispersal_distance, region_area, n_trans: int, has_land: bool):
    """Return the result of a region without any domestic PA (fractions undefined)."""
    nan = math.nan
    return ProtConnResult(
        dispersal_distance=float(dispersal_distance),
        Prot=0.0,
        ProtConn=0.0,
        ProtUnconn=0.0,
        RelConn=nan,
        ProtConn_Bound=0.0 if has_land else nan,
        ProtUnconn_Design=0.0 if has_land else nan,
        ProtConn_Prot=nan,
        ProtConn_Within=nan,
        ProtConn_Contig=nan,
        ProtConn_Trans=nan,
        ProtConn_Unprot=nan,
        EC=0.0,
        PCnum=0.0,
        region_area=float(region_area),
        protected_area=0.0,
        n_protected=0,
        n_transboundary=int(n_trans),
    )


def _exact_shares(dec: _Decomposition) -> dict[str, float]:
    """Exact shares of PCnum, in percent of ProtConn."""
    return {
        "prot": 100.0 * (dec.within + dec.contig) / dec.pcnum,
        "within": 100.0 * dec.within / dec.pcnum,
        "trans": 100.0 * dec.trans / dec.pcnum,
        "unprot": 100.0 * dec.unprot / dec.pcnum,
    }


def _makurhini_shares(dec: _Decomposition, n_trans: int) -> dict[str, float]:
    """Makurhini's fractions in percent of ProtConn (ratios of square roots)."""
    blocks = np.bincount(dec.label, weights=dec.a_dom)
    # capped: with centroid distances touching PAs are not fully connected, so the
    # squared block areas can exceed PCnum (Makurhini dissolves them into one node first)
    prot = min(100.0 * float(np.sqrt(np.sum(blocks**2))) / dec.ec, 100.0)
    within = min(100.0 * float(np.sqrt(dec.within)) / dec.ec, 100.0)
    if n_trans:
        ec_dom = equivalent_connected_area(dec.a_dom, dec.pstar_dom)
        trans = max(100.0 * (dec.ec - ec_dom) / dec.ec, 0.0)
    else:
        trans = 0.0
    return {
        "prot": prot,
        "within": within,
        "trans": trans,
        "unprot": max(100.0 - prot - trans, 0.0),
    }


def _express(shares, dec: _Decomposition, pconn, fraction_units, fractions) -> dict[str, float]:
    """Return the five ProtConn_* fractions in the units asked for."""
    contig = max(shares["prot"] - shares["within"], 0.0)
    scale = pconn / 100.0 if fraction_units == "region" else 1.0
    within, contig = shares["within"] * scale, contig * scale
    if fraction_units == "nested":
        if fractions == "makurhini":  # Makurhini's current pair, literally
            within = shares["within"]
        else:  # Within and Contig as percent of ProtConn[Prot]
            within = 100.0 * dec.within / (dec.within + dec.contig)
        contig = max(100.0 - within, 0.0)
    return {
        "ProtConn_Prot": shares["prot"] * scale,
        "ProtConn_Within": within,
        "ProtConn_Contig": contig,
        "ProtConn_Trans": shares["trans"] * scale,
        "ProtConn_Unprot": shares["unprot"] * scale,
    }
