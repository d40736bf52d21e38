"""Inputs: mouse, hand and camera; each turns what a visitor does into strokes and commands."""
