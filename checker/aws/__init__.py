"""Live AWS scans: what to scan (:mod:`.location`), where Bedrock is (:mod:`.regions`), whose credentials
(:mod:`.access`), listing one account/region (:mod:`.lister`), running many at once (:mod:`.fanout`), what
went wrong (:mod:`.faults`) and what the user sees meanwhile (:mod:`.progress`).

Only :mod:`.location` may be imported without boto3; the others import boto3/botocore and are imported
lazily by :mod:`checker.sources.aws` when an ``aws://`` location is actually read.
"""
