"""Maintenance scripts: regenerate data the analyzers ship with."""
