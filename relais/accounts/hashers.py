"""The password hash: Argon2id with the parameters OWASP's password storage guidance recommends (46 MiB, one pass,
one lane), instead of Django's default (100 MiB, two passes, eight lanes).

Django's default costs ~0.3 s of processor and 100 MiB per sign-in: on a web server that shares its processors,
a few simultaneous sign-ins were enough to push every other request's response time past the service's target
(bench/soak.py). These parameters keep Argon2id's resistance to GPU cracking at the level OWASP sets, for about a
sixth of the time and half of the memory. The algorithm name is unchanged: a password hashed with the old
parameters is still recognised, and re-hashed with these at the person's next sign-in (Django's `must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class RelaisArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 47104  # KiB: 46 MiB
    parallelism = 1
