"""ASGI middleware of the web app, one concern per file (registered in web.create_app)."""
