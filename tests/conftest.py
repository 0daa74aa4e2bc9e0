pytest_plugins = ["browser"]
