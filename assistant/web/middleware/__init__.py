"""ASGI middleware of the web app, one concern per file (registered, in order, in web.app.create_app).

They are pure ASGI, so they see every response: errors and static files included.
"""
