"""The application layer: the ``nianbao`` command line and what each command does.

It is the only layer that prints for the user and turns errors into exit codes; it calls the layers
below (inputs, render, batch, and the core) and nothing below imports it.
"""
