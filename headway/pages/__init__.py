"""The pages' plumbing (typed requests, workspace middleware, HTMX) and the home page."""
