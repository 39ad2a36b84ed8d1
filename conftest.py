"""Shared test set-up: hypothesis profiles.

'ci' is bounded and derandomized, so CI draws exactly the examples a local run of the
README's test command draws; 'thorough' (HYPOTHESIS_PROFILE=thorough) explores randomly
with many more examples and is what finds new edge cases."""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
