"""The routers of the web app: pages (HTML), the rate-limited JSON API, the operator's admin pages, /healthz."""
