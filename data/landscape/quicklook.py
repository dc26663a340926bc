"""The quick-look map of all layers (quicklook.png)."""

from __future__ import annotations

from .facts import CELL, CLASSES, EPOCHS, EPSG, NCOLS, NORTH, NROWS, TITLE, WEST
from .grid import from_lonlat


def draw_quicklook(layers, path):
    """One PNG with every layer, for the data sheet."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    extent = (
        WEST / 1000,
        (WEST + NCOLS * CELL) / 1000,
        (NORTH - NROWS * CELL) / 1000,
        NORTH / 1000,
    )
    cmap = ListedColormap(["#ffffff"] + [CLASSES[k][1] for k in sorted(CLASSES)])
    fig, axes = plt.subplots(2, 3, figsize=(13.5, 8.4), dpi=80, layout="constrained")
    km = 1000.0

    def vec(ax, gdf, **kw):
        g = gdf.copy()
        g = g.set_geometry(g.geometry.scale(1 / km, 1 / km, origin=(0, 0)))
        g.plot(ax=ax, **kw)

    ax = axes[0, 0]
    im = ax.imshow(layers["elevation"], extent=extent, cmap="cividis")
    vec(ax, layers["rivers"][layers["rivers"]["strahler"] >= 2], color="#e0f3ff", linewidth=0.9)
    fig.colorbar(im, ax=ax, shrink=0.7, label="elevation (m)")
    ax.set_title("Elevation and rivers")
    for ax, year in zip([axes[0, 1], axes[0, 2], axes[1, 0]], EPOCHS, strict=True):
        ax.imshow(
            layers["landcover"][year],
            extent=extent,
            cmap=cmap,
            vmin=-0.5,
            vmax=8.5,
            interpolation="nearest",
        )
        ax.set_title(f"Land cover {year}")
    handles = [plt.Rectangle((0, 0), 1, 1, color=CLASSES[k][1]) for k in sorted(CLASSES)]
    axes[1, 0].legend(
        handles,
        [CLASSES[k][0] for k in sorted(CLASSES)],
        loc="lower left",
        fontsize=7,
        framealpha=0.9,
    )
    ax = axes[1, 1]
    vec(ax, layers["countries"], facecolor="#f2f2f2", edgecolor="#333333", linewidth=1)
    vec(ax, layers["protected_areas"], facecolor="#009E7380", edgecolor="#00573f", linewidth=0.6)
    vec(ax, layers["roads"], color="#D55E00", linewidth=0.9)
    vec(ax, layers["settlements"], color="black", markersize=12)
    vec(ax, layers["crossing_sites"], color="#CC79A7", marker="^", markersize=30)
    for _, row in layers["countries"].iterrows():
        c = row.geometry.representative_point()
        ax.annotate(row["NAME"], (c.x / km, c.y / km), ha="center", fontsize=9, weight="bold")
    ax.set_title("Countries, protected areas, roads, towns, crossing sites")
    _draw_tracks_panel(axes[1, 2], layers, vec, km)
    for ax in axes.ravel():
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
        ax.set_xlabel("x (km, EPSG:9191)", fontsize=8)
        ax.set_ylabel("y (km)", fontsize=8)
    fig.suptitle(f"{TITLE}: EPSG:{EPSG}, km. Fictional land mass over open ocean.")
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def _draw_tracks_panel(ax, layers, vec, km):
    """The last panel: GPS tracks (errors left out) and occurrence records."""
    vec(ax, layers["countries"], facecolor="#f7f7f7", edgecolor="#999999", linewidth=0.8)
    tracks = layers["tracks"]
    ok = layers["track_errors"].reindex(tracks.index).fillna("") == ""
    x, y = from_lonlat(
        tracks.loc[ok, "location-long"].to_numpy(), tracks.loc[ok, "location-lat"].to_numpy()
    )
    colours = [
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#CC79A7",
        "#56B4E9",
        "#D55E00",
        "#F0E442",
        "#000000",
    ]
    for (animal, _grp), colour in zip(
        tracks[ok].groupby("individual-local-identifier"), colours, strict=False
    ):
        sel = tracks.loc[ok, "individual-local-identifier"].to_numpy() == animal
        ax.plot(x[sel] / km, y[sel] / km, lw=0.6, color=colour, label=animal, zorder=3)
    occ = layers["occurrences"]
    ox, oy = from_lonlat(occ["decimalLongitude"].to_numpy(), occ["decimalLatitude"].to_numpy())
    ax.scatter(ox / km, oy / km, s=1, color="#bbbbbb", label="occurrences", zorder=2)
    ax.legend(fontsize=6, ncol=3, loc="lower left", markerscale=3)
    ax.set_title("GPS tracks and occurrence records")
