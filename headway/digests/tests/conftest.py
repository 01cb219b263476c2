from headway.digests.tests.fixtures import immediate, web_objective  # noqa: F401
