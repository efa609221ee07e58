"""The stub area's rows of the permission matrix (read by the coverage check, not collected by pytest)."""

MATRIX = [
    ("stubarea:home", None, "get", {"county": 200, "chair": 403, "village_a": 403, "village_b": 403, "viewer": 403}),
]
