"""HTTP client policy shared by every stage that talks to the network (links, submit).

``retry``      one retry, backoff and ``Retry-After`` policy
``addresses``  which addresses may be contacted; names vetted once and pinned
``pinning``    urllib3 connections that only connect to pinned addresses
``deadline``   one deadline over a whole request (connect, headers, body)
"""
