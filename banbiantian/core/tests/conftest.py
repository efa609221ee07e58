# The stub area (test_area_stub.py installs it) keeps its matrix rows in a tests module of its own;
# they are read by the coverage check while it is installed, never collected as tests.
collect_ignore = ["stub_area"]
