"""Access methods driven in simulated time: switch scanning, dwell, keyboard, touch.

Times are computed by hand from the settings; no sleeps, no threads.
"""

from __future__ import annotations

from collections import deque

import pytest

from aac.access import (
    BACK_ID,
    Dweller,
    DwellProgress,
    DwellSettings,
    Highlight,
    KeyboardNavigator,
    Paused,
    Scanner,
    ScanSettings,
    ScanStopped,
    Select,
    Target,
    hit,
    pause_target,
)
from profiles.schema import AccessSection

ROW_A = ("a0", "a1", "a2")
ROW_B = ("b0", "b1", "b2")
NAV = ("n0", "n1")


def small_screen() -> list[Target]:
    """Two grid rows of three and a nav row of two, given in a shuffled order."""
    targets = [Target(f"n{i}", f"nav {i}", (i * 100, 300, 100, 50), "nav") for i in (1, 0)]
    for row, name in ((1, "b"), (0, "a")):
        for i in (2, 0, 1):
            targets.append(Target(f"{name}{i}", f"{name} {i}", (i * 100, row * 100, 100, 100), "grid", row))
    # Groups come in the order first given: put the grid first.
    return targets[2:] + targets[:2]


def one_switch(pattern: str = "row_column", loops: int = 2) -> Scanner:
    scanner = Scanner(ScanSettings(switches=1, pattern=pattern, interval_s=1.0, first_delay_s=0.5, loops=loops))
    scanner.set_targets(small_screen(), 0.0)
    return scanner


# One switch, row-column.


def test_scan_starts_on_the_first_press_and_rows_follow_by_hand_computed_times():
    scanner = one_switch()
    assert scanner.tick(5.0) == [] and scanner.highlighted() == ()
    assert scanner.press(0, 10.0) == [Highlight(ROW_A, "a 0")]
    # The first row stays interval + first delay = 1.5 s, the others 1 s.
    assert scanner.next_change_s() == pytest.approx(11.5)
    assert scanner.tick(11.49) == []
    assert scanner.tick(11.5) == [Highlight(ROW_B, "b 0")]
    assert scanner.tick(12.0) == []
    assert scanner.next_change_s() == pytest.approx(12.5)
    assert scanner.tick(12.5) == [Highlight(NAV, "nav 0")]
    # Wrapping round the first row is not delayed again.
    assert scanner.tick(13.5) == [Highlight(ROW_A, "a 0")]
    assert scanner.tick(14.5) == [Highlight(ROW_B, "b 0")]


def test_one_press_at_the_computed_time_selects_an_item():
    scanner = one_switch()
    scanner.press(0, 0.0)
    # Row b is highlighted from 1.5 to 2.5: press at 2.0 (no tick in between: the press catches up).
    assert scanner.press(0, 2.0) == [Highlight(ROW_B, "b 0"), Highlight(("b0",), "b 0")]
    # b0 holds 2.0-3.5 (first delay), b1 3.5-4.5.
    events = scanner.press(0, 4.0)
    assert events == [Highlight(("b1",), "b 1"), Select("b1"), Highlight(ROW_A, "a 0")]
    # Back at the top, the first row has its first delay again.
    assert scanner.next_change_s() == pytest.approx(5.5)


def test_go_back_returns_to_the_rows():
    scanner = one_switch()
    scanner.press(0, 0.0)
    scanner.press(0, 2.0)  # into row b
    back = scanner.back_item()
    assert back is not None and back.id == BACK_ID and back.label == "Go back"
    assert back.rect[0] >= 300 and back.rect[1] == 100  # just right of row b
    # b0 2.0-3.5, b1 3.5-4.5, b2 4.5-5.5, go back 5.5-6.5.
    assert scanner.tick(5.5) == [Highlight((BACK_ID,), "Go back")]
    assert scanner.press(0, 6.0) == [Highlight(ROW_A, "a 0")]
    assert scanner.back_item() is None


def test_loops_then_stop_then_a_press_restarts():
    scanner = one_switch(loops=2)
    scanner.press(0, 0.0)
    # 3 rows, 2 loops: 6 steps; the last ends at 1.5 + 5 * 1.0 = 6.5.
    assert scanner.tick(6.49) == [Highlight(NAV, "nav 0")]
    assert scanner.tick(6.5) == [ScanStopped()]
    assert scanner.highlighted() == () and not scanner.active and scanner.next_change_s() is None
    assert scanner.tick(100.0) == []
    assert scanner.press(0, 200.0) == [Highlight(ROW_A, "a 0")]


def test_a_late_tick_stops_the_scan_and_the_press_restarts_it():
    scanner = one_switch(loops=1)
    scanner.press(0, 0.0)
    assert scanner.press(0, 50.0) == [ScanStopped(), Highlight(ROW_A, "a 0")]


def test_stop_inside_a_row_counts_its_loops_and_restarts_at_the_top():
    scanner = one_switch(loops=2)
    scanner.press(0, 0.0)
    scanner.press(0, 2.0)  # row b: 3 items + go back, 2 loops end at 2.0 + 1.5 + 7 = 10.5
    assert scanner.tick(10.49) == [Highlight((BACK_ID,), "Go back")]
    assert scanner.tick(10.5) == [ScanStopped()]
    assert scanner.press(0, 11.0) == [Highlight(ROW_A, "a 0")]


def test_first_item_delay_applies_to_each_level_entered():
    scanner = Scanner(ScanSettings(interval_s=0.5, first_delay_s=2.0, loops=3))
    scanner.set_targets(small_screen(), 0.0)
    scanner.press(0, 0.0)
    assert scanner.tick(2.49) == []
    assert scanner.tick(2.5) == [Highlight(ROW_B, "b 0")]
    scanner.press(0, 2.6)  # into row b at 2.6
    assert scanner.tick(5.09) == []
    assert scanner.tick(5.1) == [Highlight(("b1",), "b 1")]


def test_linear_goes_through_every_target_in_screen_order():
    scanner = one_switch("linear", loops=1)
    scanner.press(0, 0.0)
    seen = [scanner.highlighted()]
    for _ in range(20):
        now = scanner.next_change_s()
        if now is None:
            break
        scanner.tick(now)
        if scanner.highlighted():
            seen.append(scanner.highlighted())
    assert seen == [(i,) for i in ROW_A + ROW_B + NAV]
    # n0 is the 7th: 1.5 + 5 * 1.0 = 6.5 to 7.5.
    scanner.press(0, 100.0)
    assert scanner.press(0, 107.0) == [Highlight(("n0",), "nav 0"), Select("n0"), Highlight(("a0",), "a 0")]


def test_block_goes_groups_then_rows_then_items_with_go_back_at_each_level():
    scanner = one_switch("block")
    assert scanner.press(0, 0.0) == [Highlight(ROW_A + ROW_B, "grid")]
    assert scanner.tick(1.5) == [Highlight(NAV, "nav")]
    scanner.tick(2.5)  # grid again
    assert scanner.press(0, 3.0) == [Highlight(ROW_A, "a 0")]  # the grid's rows, from 3.0
    # row a 3.0-4.5, row b 4.5-5.5, go back 5.5-6.5.
    assert scanner.tick(5.5) == [Highlight((BACK_ID,), "Go back")]
    assert scanner.press(0, 6.0) == [Highlight(ROW_A + ROW_B, "grid")]  # back to the groups
    scanner.press(0, 6.5)  # grid again, its rows from 6.5
    assert scanner.press(0, 8.5) == [Highlight(ROW_B, "b 0"), Highlight(("b0",), "b 0")]
    # b0 8.5-10.0, b1 10.0-11.0, b2 11.0-12.0, go back 12.0-13.0 (to the grid's rows).
    assert scanner.press(0, 12.5) == [Highlight((BACK_ID,), "Go back"), Highlight(ROW_A, "a 0")]


def test_block_area_of_one_row_goes_straight_to_its_items():
    scanner = one_switch("block")
    scanner.press(0, 0.0)
    assert scanner.press(0, 2.0) == [Highlight(NAV, "nav"), Highlight(("n0",), "nav 0")]
    # n0 2.0-3.5, n1 3.5-4.5.
    assert scanner.press(0, 4.0) == [Highlight(("n1",), "nav 1"), Select("n1"), Highlight(ROW_A + ROW_B, "grid")]


def test_two_switches_step_select_and_wrap_with_no_automatic_movement():
    scanner = Scanner(ScanSettings(switches=2, interval_s=1.0, first_delay_s=0.5, loops=1))
    scanner.set_targets(small_screen(), 0.0)
    assert scanner.press(1, 0.0) == [Highlight(ROW_A, "a 0")]  # a press when idle starts the scan
    assert scanner.tick(1000.0) == [] and scanner.next_change_s() is None
    assert scanner.press(1, 1000.5) == [Highlight(ROW_B, "b 0")]
    assert scanner.press(1, 1001.0) == [Highlight(NAV, "nav 0")]
    assert scanner.press(1, 1001.5) == [Highlight(ROW_A, "a 0")]  # wraps
    assert scanner.press(0, 1002.0) == [Highlight(("a0",), "a 0")]
    for now_s in (1003.0, 1004.0, 1005.0):  # a0 -> a1 -> a2 -> go back
        scanner.press(1, now_s)
    assert scanner.highlighted() == (BACK_ID,)
    scanner.press(1, 1010.0)
    assert scanner.highlighted() == ("a0",)
    scanner.press(1, 1011.0)
    assert scanner.press(0, 1012.0) == [Select("a1"), Highlight(ROW_A, "a 0")]


def test_presses_within_the_debounce_are_ignored():
    scanner = Scanner(ScanSettings(switches=2, debounce_s=0.1))
    scanner.set_targets(small_screen(), 0.0)
    scanner.press(1, 0.0)
    assert scanner.press(1, 0.05) == []  # tremor
    assert scanner.press(0, 0.09) == []
    assert scanner.highlighted() == ROW_A
    assert scanner.press(1, 0.1) == [Highlight(ROW_B, "b 0")]


def test_a_press_counts_only_once_held_for_the_acceptance_time():
    scanner = Scanner(ScanSettings(interval_s=1.0, first_delay_s=0.5, acceptance_s=0.3))
    scanner.set_targets(small_screen(), 0.0)
    assert scanner.press(0, 0.0) == []
    assert scanner.next_change_s() == pytest.approx(0.3)
    assert scanner.tick(0.29) == []
    assert scanner.tick(0.3) == [Highlight(ROW_A, "a 0")]  # accepted while still held: the scan starts at 0.3
    assert scanner.release(0, 0.5) == []
    # Row a 0.3-1.8, row b 1.8-2.8. A brush against the switch does nothing.
    assert scanner.press(0, 2.0) == [Highlight(ROW_B, "b 0")]
    assert scanner.release(0, 2.1) == []
    assert scanner.highlighted() == ROW_B
    # Held long enough, reported only at release: it acts at 2.2 + 0.3 = 2.5, still on row b.
    scanner.press(0, 2.2)
    assert scanner.release(0, 2.9) == [Highlight(("b0",), "b 0")]
    assert scanner.next_change_s() == pytest.approx(2.5 + 1.5)


def test_one_switch_has_no_step_switch():
    scanner = one_switch()
    with pytest.raises(ValueError, match="two switches only"):
        scanner.press(1, 0.0)


def test_set_targets_mid_scan_restarts_at_the_top_with_its_delay():
    scanner = one_switch()
    scanner.press(0, 0.0)
    scanner.press(0, 2.0)  # inside row b
    keyboard = [Target(f"k{i}", letter, (i * 50, 400, 50, 50), "keys", i // 3) for i, letter in enumerate("abcdef")]
    assert scanner.set_targets(keyboard, 2.2) == [Highlight(("k0", "k1", "k2"), "a")]
    assert scanner.back_item() is None
    assert scanner.next_change_s() == pytest.approx(3.7)
    assert scanner.tick(3.7) == [Highlight(("k3", "k4", "k5"), "d")]
    # An empty screen stops the scan; an idle scanner stays idle on a new screen.
    assert scanner.set_targets([], 4.0) == [ScanStopped()]
    assert scanner.set_targets(keyboard, 5.0) == []
    assert scanner.press(0, 6.0) == [Highlight(("k0", "k1", "k2"), "a")]


def test_targets_sharing_an_id_are_refused_with_the_id_named():
    twin = Target("x", "x", (0, 0, 10, 10), "grid")
    for controller in (Scanner(ScanSettings()), Dweller(DwellSettings()), KeyboardNavigator()):
        with pytest.raises(ValueError, match="'x'"):
            if isinstance(controller, Scanner):
                controller.set_targets([twin, twin], 0.0)
            else:
                controller.set_targets([twin, twin])


def test_settings_from_the_profile_and_bad_settings():
    access = AccessSection(switches=2, scan_pattern="block", scan_interval_s=0.8, scan_first_delay_s=0.4, scan_loops=5)
    assert ScanSettings.from_profile(access) == ScanSettings(2, "block", 0.8, 0.4, 5, 0.1, 0.0)
    assert DwellSettings.from_profile(AccessSection(dwell_time_s=1.7, dwell_pause_zone=False)) == DwellSettings(
        1.7, False
    )
    with pytest.raises(ValueError, match="scan pattern"):
        ScanSettings(pattern="spiral")
    with pytest.raises(ValueError, match="1 or 2 switches"):
        ScanSettings(switches=3)
    with pytest.raises(ValueError, match="interval"):
        ScanSettings(interval_s=0)
    with pytest.raises(ValueError, match="dwell time"):
        DwellSettings(dwell_time_s=0)


# Dwell.

A = Target("A", "apple", (0, 0, 100, 100), "grid")
B = Target("B", "ball", (100, 0, 100, 100), "grid", dwell_time_s=0.5)
PAUSE = pause_target((300, 0, 100, 100))


def dweller(**kwargs) -> Dweller:
    d = Dweller(DwellSettings(**{"dwell_time_s": 1.0, "pause_zone": True, **kwargs}))
    d.set_targets([A, B, PAUSE])
    return d


def selects(events) -> list[str]:
    return [e.target_id for e in events if isinstance(e, Select)]


def test_dwell_selects_after_its_time_once_until_the_pointer_leaves():
    d = dweller()
    d.pointer(50, 50, 0.0)
    assert selects(d.tick(0.99)) == []
    assert d.progress() == DwellProgress("A", pytest.approx(0.99))
    assert selects(d.tick(1.0)) == ["A"]
    assert d.progress() is None
    assert selects(d.tick(5.0)) == []
    d.pointer(250, 50, 5.0)  # off every target
    d.tick(5.2)  # longer than the grace: A is left
    d.pointer(50, 50, 6.0)
    assert selects(d.tick(6.99)) == []
    assert selects(d.tick(7.0)) == ["A"]


def test_dwell_repeats_when_leaving_is_not_required():
    d = dweller(leave_to_repeat=False)
    d.pointer(50, 50, 0.0)
    assert selects(d.tick(1.0) + d.tick(1.5) + d.tick(2.0)) == ["A", "A"]


def test_a_target_own_dwell_time_overrides_the_setting():
    d = dweller()
    d.pointer(150, 50, 0.0)
    assert selects(d.tick(0.49)) == []
    assert selects(d.tick(0.5)) == ["B"]


def test_jitter_at_the_edge_within_the_grace_does_not_reset_the_dwell():
    d = dweller()
    d.pointer(95, 50, 0.0)
    d.pointer(101, 50, 0.5)  # tremor takes it just onto B
    d.pointer(97, 50, 0.6)  # back within 0.15 s
    assert selects(d.tick(1.0)) == ["A"]
    # Straying out and back after the selection does not repeat it either.
    d.pointer(101, 50, 1.2)
    d.pointer(99, 50, 1.3)
    assert selects(d.tick(5.0)) == []


def test_leaving_for_longer_than_the_grace_resets_the_dwell():
    d = dweller()
    d.pointer(95, 50, 0.0)
    d.pointer(95, 150, 0.5)  # off every target
    d.tick(0.7)
    d.pointer(95, 50, 0.8)
    assert selects(d.tick(1.79)) == []
    assert selects(d.tick(1.8)) == ["A"]


def test_moving_to_another_target_dwells_there_from_the_moment_it_arrived():
    d = dweller()
    d.pointer(50, 50, 0.0)
    d.pointer(150, 50, 0.5)  # onto B (0.5 s dwell)
    assert selects(d.tick(0.6)) == []
    assert selects(d.tick(0.99)) == []
    assert selects(d.tick(1.0)) == ["B"]


def test_the_ring_grows_and_clears_when_the_dwell_is_abandoned():
    d = dweller()
    events = d.pointer(50, 50, 0.0) + d.tick(0.25) + d.tick(0.5)
    rings = [e for e in events if isinstance(e, DwellProgress)]
    assert [r.fraction for r in rings] == pytest.approx([0.0, 0.25, 0.5])
    events = d.pointer(250, 50, 0.6) + d.tick(0.8)
    assert events[-1] == DwellProgress("A", 0.0)
    assert d.progress() is None


def test_the_pause_zone_toggles_and_blocks_everything_else():
    d = dweller()
    d.pointer(350, 50, 0.0)
    assert d.tick(1.0)[0] == Paused(True)
    assert d.paused
    d.pointer(50, 50, 2.0)
    assert selects(d.tick(10.0)) == [] and d.progress() is None
    d.pointer(350, 50, 11.0)
    assert Paused(False) in d.tick(12.0)
    d.pointer(50, 50, 13.0)
    assert selects(d.tick(14.0)) == ["A"]


def test_without_the_pause_zone_its_target_does_nothing():
    d = dweller(pause_zone=False)
    d.pointer(350, 50, 0.0)
    assert d.tick(5.0) == [] and not d.paused


def test_pointer_lost_and_screen_changes_drop_the_dwell():
    d = dweller()
    d.pointer(50, 50, 0.0)
    d.pointer_lost(0.5)
    d.tick(0.7)
    d.pointer(50, 50, 0.8)
    assert selects(d.tick(1.0)) == []
    d.set_targets([B])  # A is gone
    assert selects(d.tick(3.0)) == []
    d.pointer(150, 50, 3.0)
    assert selects(d.tick(3.5)) == ["B"]


# Keyboard and touch.


def keyboard_screen() -> list[Target]:
    grid = [Target(f"g{r}{c}", f"g{r}{c}", (c * 100, r * 100, 100, 100), "grid", r) for r in range(3) for c in range(3)]
    nav = [Target("back", "Back", (0, 320, 150, 60), "nav"), Target("next", "Next", (150, 320, 150, 60), "nav")]
    side = [Target("speak", "Speak", (320, 0, 120, 300), "actions")]
    return grid + nav + side


def test_keyboard_moves_to_the_nearest_target_by_geometry():
    nav = KeyboardNavigator()
    nav.set_targets(keyboard_screen())
    assert nav.focused() is None and nav.select() is None
    assert nav.move("down") == Highlight(("g00",), "g00")  # first move focuses the first target
    assert nav.move("right").target_ids == ("g01",)
    assert nav.move("down").target_ids == ("g11",)
    assert nav.move("right").target_ids == ("g12",)
    assert nav.move("right").target_ids == ("speak",)  # across groups
    assert nav.move("right").target_ids == ("speak",)  # the screen's edge: stays
    assert nav.move("left").target_ids == ("g12",)  # back into the grid on the same row
    assert nav.move("down").target_ids == ("g22",)
    assert nav.move("down").target_ids == ("next",)  # the nav button under it
    assert nav.move("left").target_ids == ("back",)
    assert nav.move("up").target_ids == ("g20",)  # the grid cell straight above Back's centre (x 75)
    assert nav.select() == Select("g20")


def test_keyboard_tab_order_wraps_and_focus_survives_screen_changes():
    nav = KeyboardNavigator()
    nav.set_targets(keyboard_screen())
    assert nav.previous().target_ids == ("speak",)  # from no focus, Shift+Tab starts at the end
    nav.focus("g22")
    assert nav.next().target_ids == ("back",)
    nav.set_targets(keyboard_screen()[:9])
    assert nav.focused() is None
    nav.focus("g22")
    assert nav.next().target_ids == ("g00",)  # wraps
    with pytest.raises(ValueError, match="up, down"):
        nav.move("sideways")


def test_touch_hit_uses_half_open_rects_and_the_top_target():
    targets = keyboard_screen()
    assert hit(targets, 0, 0).id == "g00"
    assert hit(targets, 100, 99.9).id == "g01"
    assert hit(targets, 305, 310) is None
    over = Target("popup", "Popup", (50, 50, 100, 100), "popup")
    assert hit([*targets, over], 60, 60).id == "popup"


# Every target of a realistic screen, by every method.


def realistic_screen() -> list[Target]:
    """60 targets in 6 groups laid out like the board: message, actions, predictions, grid, phrases, nav."""
    targets = [Target("message", "Message", (0, 0, 900, 80), "message")]
    actions = ["Speak", "Clear", "Delete word", "Backspace", "Share", "Repeat"]
    targets += [Target(f"action:{i}", a, (i * 150, 90, 140, 70), "actions") for i, a in enumerate(actions)]
    targets += [Target(f"predict:{i}", f"word{i}", (i * 180, 170, 170, 60), "predictions") for i in range(5)]
    targets += [
        Target(f"grid:{r}:{c}", f"sym{r}{c}", (c * 110, 240 + r * 90, 100, 80), "grid", r)
        for r in range(6)
        for c in range(6)
    ]
    targets += [Target(f"phrase:{r}", f"phrase {r}", (700, 240 + r * 90, 200, 80), "phrases", r) for r in range(6)]
    nav = ["Previous page", "Next page", "Home", "Keyboard", "Pause", "Caregiver exit"]
    targets += [Target(f"nav:{i}", n, (i * 150, 800, 140, 70), "nav") for i, n in enumerate(nav)]
    assert len(targets) == 60 and len({t.group for t in targets}) == 6
    return targets


REACTION_S = 0.3


def scan_to(scanner: Scanner, wanted: str, now_s: float) -> tuple[str, float]:
    """Drive the scan the way its user would; returns what was selected and the simulated seconds it took."""
    start_s = now_s
    events = [] if scanner.active else scanner.press(0, now_s)
    for _ in range(500):
        assert not any(isinstance(e, ScanStopped) for e in events), f"scan stopped before reaching {wanted}"
        selected = [e.target_id for e in events if isinstance(e, Select)]
        if selected:
            return selected[0], now_s - start_s
        now_s += REACTION_S
        if wanted in scanner.highlighted():
            events = scanner.press(0, now_s)
        elif scanner.settings.switches == 2:
            events = scanner.press(1, now_s)
        else:
            now_s = scanner.next_change_s()
            events = scanner.tick(now_s)
    raise AssertionError(f"never reached {wanted}")


# Upper bounds by the screen's shape (interval 1 s, first delay 1.5 s): row-column has 16 rows and rows of at
# most 6 items + go back; linear 60 targets; block 6 areas, 6 rows + go back, 6 items + go back.
@pytest.mark.parametrize(
    ("switches", "pattern", "bound_s"),
    [(1, "row_column", 30.0), (1, "linear", 65.0), (1, "block", 30.0), (2, "row_column", 8.0), (2, "linear", 20.0),
     (2, "block", 8.0)],
)  # fmt: skip
def test_every_target_of_a_realistic_screen_by_scanning(switches, pattern, bound_s):
    targets = realistic_screen()
    scanner = Scanner(ScanSettings(switches=switches, pattern=pattern, interval_s=1.0, first_delay_s=1.5, loops=3))
    scanner.set_targets(targets, 0.0)
    now_s = 0.0
    worst_s = 0.0
    for target in targets:
        selected, took_s = scan_to(scanner, target.id, now_s)
        assert selected == target.id
        worst_s = max(worst_s, took_s)
        now_s += 1000.0
        scanner.set_targets(targets, now_s)  # the app redraws after each choice
    assert worst_s <= bound_s


def test_every_target_of_a_realistic_screen_by_dwell():
    targets = [*realistic_screen(), pause_target((920, 800, 80, 70))]
    d = Dweller(DwellSettings(dwell_time_s=1.0, pause_zone=True))
    d.set_targets(targets)
    now_s = 0.0
    for target in targets[:-1]:
        x, y = target.center
        events = d.pointer(x, y, now_s)
        start_s = now_s
        while not selects(events) and now_s - start_s < 5.0:
            now_s += 0.05
            events = d.tick(now_s)
        assert selects(events) == [target.id]
        assert now_s - start_s <= 1.0 + 0.05 + 1e-9
        now_s += 1.0
    x, y = targets[-1].center
    d.pointer(x, y, now_s)
    assert Paused(True) in d.tick(now_s + 1.0)


def test_every_target_of_a_realistic_screen_by_arrow_keys():
    targets = realistic_screen()
    nav = KeyboardNavigator()
    nav.set_targets(targets)
    start = nav.move("right").target_ids[0]
    presses = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for direction in ("up", "down", "left", "right"):
            nav.focus(here)
            there = nav.move(direction).target_ids[0]
            if there not in presses:
                presses[there] = presses[here] + 1
                queue.append(there)
    assert set(presses) == {t.id for t in targets}
    assert max(presses.values()) <= 20
    nav.focus("nav:5")
    assert nav.select() == Select("nav:5")
