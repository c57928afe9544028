"""Access methods as controllers in simulated time: touch, keyboard, switch scanning, dwell.

Nothing here knows pygame or drawing. Each controller takes the screen's targets and input
events stamped with explicit times (`now_s`) and returns what happened (`events`).
"""

from aac.access.dwell import PAUSE_ID, Dweller, DwellSettings, pause_target
from aac.access.events import AccessEvent, DwellProgress, Highlight, Paused, ScanStopped, Select
from aac.access.keyboard_nav import KeyboardNavigator
from aac.access.scanning import BACK_ID, Scanner, ScanSettings
from aac.access.targets import Target, screen_order
from aac.access.touch import hit

__all__ = [
    "BACK_ID",
    "PAUSE_ID",
    "AccessEvent",
    "DwellProgress",
    "DwellSettings",
    "Dweller",
    "Highlight",
    "KeyboardNavigator",
    "Paused",
    "ScanSettings",
    "ScanStopped",
    "Scanner",
    "Select",
    "Target",
    "hit",
    "pause_target",
    "screen_order",
]
