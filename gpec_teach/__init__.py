"""gpec_teach: the helper package of the GPEC ecological connectivity curriculum.

Methods are grouped in one module per family (``gpec_teach.circuit``,
``gpec_teach.graph``, ...). The most used functions are re-exported here and
imported lazily on first use, so ``import gpec_teach`` stays fast and does not
load scipy, geopandas or the map libraries until they are needed.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Public name -> submodule that defines it. Submodules are imported on first access.
_EXPORTS: dict[str, str] = {
    "check_environment": "checkup",
    "allow_geographic": "_validation",
    "check": "exercises",
    "list_exercises": "exercises",
    "answer_key": "exercises",
    "set_language": "i18n",
    "get_language": "i18n",
    "load": "data",
    "list_datasets": "data",
    "verify": "data",
    "reclassify": "resistance",
    "suitability_to_resistance": "resistance",
    "combine": "resistance",
    "burn_lines": "resistance",
    "coarsen": "resistance",
    "resistance_to_conductance": "resistance",
    "conductance_to_resistance": "resistance",
    "cost_distance": "least_cost",
    "cost_allocation": "least_cost",
    "least_cost_path": "least_cost",
    "least_cost_distance_matrix": "least_cost",
    "least_cost_corridor": "least_cost",
    "corridor_mask": "least_cost",
    "corridor_network": "least_cost",
    "raster_graph": "circuit",
    "effective_resistance": "circuit",
    "pairwise_resistance": "circuit",
    "one_to_all": "circuit",
    "all_to_one": "circuit",
    "advanced": "circuit",
    "network_pairwise": "circuit",
    "network_advanced": "circuit",
    "pinch_points": "circuit",
    "omniscape": "circuit",
    "run_ini": "circuitscape_io",
    "run_omniscape_ini": "omniscape_io",
    "patch_graph_from_polygons": "graph",
    "patch_graph_from_raster": "graph",
    "patch_graph_from_matrix": "graph",
    "to_networkx": "graph",
    "dispersal_probability": "graph",
    "probability_of_connectivity": "graph",
    "integral_index_of_connectivity": "graph",
    "equivalent_connected_area": "graph",
    "patch_importance": "graph",
    "link_importance": "graph",
    "ec_change_from_new_link": "graph",
    "ec_change_from_new_patch": "graph",
    "clean_protected_areas": "protconn",
    "protconn_standard": "protconn",
    "protconn_by_region": "protconn",
    "read_fixes": "movement",
    "clean_fixes": "movement",
    "steps": "movement",
    "tracks": "movement",
    "used_available": "movement",
    "label_patches": "fragmentation",
    "patch_table": "fragmentation",
    "patches_to_polygons": "fragmentation",
    "class_metrics": "fragmentation",
    "landscape_metrics": "fragmentation",
    "compare_epochs": "fragmentation",
    "mesh_from_areas": "fragmentation",
    "moving_window": "fragmentation",
    "interactive_map": "maps",
    "static_map": "maps",
    "save_raster": "export",
    "save_vector": "export",
    "write_qml": "qgis",
    "write_project": "qgis",
    "teaching_map": "maps",
    "plot_landcover": "maps",
    "plot_raster": "maps",
    "apply_action": "scenarios",
    "evaluate_actions": "scenarios",
    "evaluate_combination": "scenarios",
    "rank_actions": "scenarios",
    "choose_within_budget": "scenarios",
    "transition_table": "monitoring",
    "change_map": "monitoring",
    "indicator_series": "monitoring",
    "trend": "monitoring",
    "fact_sheet": "monitoring",
}

_SUBMODULES = (
    "checkup",
    "data",
    "resistance",
    "least_cost",
    "circuit",
    "circuitscape_io",
    "omniscape_io",
    "fragmentation",
    "graph",
    "protconn",
    "movement",
    "maps",
    "monitoring",
    "scenarios",
    "widgets",
    "reference_checks",
    "agenda",
    "exercises",
    "export",
    "qgis",
    "scale",
)

__all__ = ["__version__", *_SUBMODULES, *sorted(_EXPORTS)]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _EXPORTS:
        module = importlib.import_module(f"{__name__}.{_EXPORTS[name]}")
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gpec_teach' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
