"""Jobs defined before they exist: Terraform plans and state, ``.tf`` folders, CreateModelInvocationJob requests.

:mod:`checker.planned.model` is the shared shape (:class:`~checker.planned.model.PlannedJob`) every loader
produces; :mod:`checker.planned.references` resolves references between resources; other modules turn
planned jobs into records in the table's shape. Nothing here is imported at ``checker`` import time.
"""
