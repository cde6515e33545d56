"""A host platform embedding the plugin through exactly the README's four steps (see settings.py, urls.py)."""
