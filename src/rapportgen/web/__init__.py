"""`rapportgen serve`: a local web application over a working folder, a client of the library.

    from rapportgen.web.app import create_app
    app = create_app("arbetsmapp/")      # an ASGI application (Starlette), for uvicorn

Pages are rendered on the server with Jinja; htmx and server-sent events update the build
progress. Everything the application reads or writes stays inside the working folder.
"""
