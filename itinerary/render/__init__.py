"""Renderers: pure functions Plan -> text. They never solve."""
