"""A security's terms as data.

- ``terms`` -- the schema, the frozen value object and its validation.
"""
