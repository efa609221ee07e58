"""Helpers for the tests of every app: the shared personas and the permission-matrix harness.

Plain modules, importable without pytest side effects (no fixtures, no hooks): the root conftest
turns the personas into fixtures, and each app's tests/test_permission_matrix.py hands its rows to
the harness.
"""
