"""torch.optim."""
from .optimizer import Optimizer  # noqa: F401
from .sgd import SGD, Adam, AdamW  # noqa: F401
