"""Reading the Datadog table ``aws.bedrock_model_invocation_job`` live, through the DDSQL API (``ddsql://``).

One module per job: :mod:`~checker.ddsql.location` (what a ``ddsql://`` location asks for),
:mod:`~checker.ddsql.query` (the SQL, values quoted), :mod:`~checker.ddsql.settings` (keys and site from
the environment), :mod:`~checker.ddsql.client` (one query through datadog-api-client: polling, deadline,
retries), :mod:`~checker.ddsql.pager` (keyset paging, every row once, the next page fetched ahead). The
source registered for the ``ddsql`` scheme is :mod:`checker.sources.ddsql`. datadog-api-client is
imported only by :mod:`~checker.ddsql.client`, when a location is read.
"""
