"""placeholder"""

PENDING = {
    "00_welcome",
    "02_geodata_basics",
    "03_habitat_core_areas",
    "04_resistance_surfaces",
    "05_protected_areas",
    "06_movement_data",
    "07_least_cost_corridors",
    "08_circuit_theory",
    "09_graph_connectivity",
    "10_prioritisation_restoration",
    "11_transboundary_corridors",
    "12_fragmentation_over_time",
    "13_protconn_target3",
    "14_corridor_monitoring",
    "15_reporting",
}
