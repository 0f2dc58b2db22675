"""Admin views of contacts and contact groups, one module per screen."""
