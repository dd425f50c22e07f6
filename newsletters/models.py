"""Where Django looks for the app's models; each room keeps its own: the
audience (lists, subscribers, consent, suppression, imports), composition
(the issues as pages, sender identities) and delivery (campaigns, their
frozen editions, one delivery row per recipient). Import them from the
room's ``models`` module."""

from .audience import models as audience  # noqa: F401
from .composition import models as composition  # noqa: F401
from .delivery import models as delivery  # noqa: F401
