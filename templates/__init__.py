"""Templates and stylesheets, shipped inside the wheel as the package ``generator.templates``."""
