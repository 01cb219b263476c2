from headway.digests.tests.fixtures import web_objective  # noqa: F401
