"""What a host platform needs to embed the plugin: the periodic schedule, its run records, the checks."""
