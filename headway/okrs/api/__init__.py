"""API: cycles, objectives, key results, check-ins, initiatives and dependencies, one module each.

Each operation: find the object through `access`, call one action, answer with a schema. The
figures are those of the rows answered, read from the stored figures (computed whole for an
earlier date or a closed cycle: okrs.scoring.figures_of). `router` joins the modules' routers in
the order the OpenAPI document lists them.
"""

from __future__ import annotations

from ninja import Router

from headway.okrs.api import check_ins, cycles, dependencies, initiatives, key_results, objectives

router = Router()

for module in (cycles, objectives, key_results, check_ins, initiatives, dependencies):
    for path_view in module.router.path_operations.values():
        for operation in path_view.operations:
            # The operation ids the API had as one module (headway_okrs_api_<function>): clients
            # generated from the OpenAPI document keep working.
            name = operation.view_func.__name__
            operation.operation_id = operation.operation_id or f"headway_okrs_api_{name}"
    router.add_router("", module.router)
