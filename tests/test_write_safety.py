"""Writes that cannot lose data: concurrent writers serialise on the repository's lock, and a
multi-file change killed at any moment leaves the old set or the new set, never a mix.

The soak tests run a few rounds here; `FTZKB_SOAK=full` (and `ftzkb bench`) run the full counts
the reliability issue asks for (50 concurrent pairs, 30 kills)."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ftzkb, minimal_case, write_corpus
from ftzkb import journal
from ftzkb.load.loader import load_corpus

FULL = os.environ.get("FTZKB_SOAK") == "full"
PAIRS = 50 if FULL else 8
KILLS = 30 if FULL else 4


def carriers(count: int) -> dict[str, tuple[str, str]]:
    found = {"area-a": ("甲片区", "ftz-area")}
    found |= {f"zone-{n:03d}": (f"第{n}经开区", "national-etdz") for n in range(count)}
    return found


def adopt_one(root: str, carrier: str) -> int:
    from ftzkb.record.adopt import AdoptionChange, plan_adoption, record_changes

    change = AdoptionChange(status="adopted", date="2021", evidence=(f"文{carrier}",))
    return record_changes(Path(root), lambda: [plan_adoption(Path(root), "c1", carrier, change)])[1]


def test_concurrent_adopts_on_one_file_never_lose_a_record(tmp_path):
    root = write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1")}, carriers(2 * PAIRS))
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:  # two writers at a time, racing for the same file
        written = pool.starmap(adopt_one, [(str(root), f"zone-{n:03d}") for n in range(2 * PAIRS)], chunksize=1)
    assert written == [1] * (2 * PAIRS)
    case = load_corpus(root).corpus.cases["c1"]
    assert sorted(a.carrier for a in case.adoptions) == [f"zone-{n:03d}" for n in range(2 * PAIRS)]


def test_two_adopt_commands_at_once_both_land(tmp_path):
    root = write_corpus(tmp_path / "corpus", {"c1": minimal_case("c1")}, carriers(2))
    env = {**os.environ, "FTZKB_LANG": "en"}
    commands = [[sys.executable, "-m", "ftzkb", "adopt", "c1", f"zone-{n:03d}", "--status", "adopted",
                 "--root", str(root)] for n in range(2)]
    running = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for c in commands]
    assert [p.wait(timeout=120) for p in running] == [0, 0]
    assert len(load_corpus(root).corpus.cases["c1"].adoptions) == 2


def digest(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((root / "cases").iterdir())}


def leftovers(root: Path) -> list[str]:
    return [p.name for d in ("cases", "carriers") for p in (root / d).iterdir() if p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def import_scene(tmp_path_factory):
    """31 case files and a 2,015-row sheet that touches all of them; the old and the new set."""
    base = tmp_path_factory.mktemp("scene")
    root = write_corpus(base / "corpus", {f"c{n:02d}": minimal_case(f"c{n:02d}") for n in range(31)}, carriers(65))
    sheet = base / "rows.csv"
    lines = ["case,carrier,status,date,evidence"] + [f"c{n:02d},zone-{z:03d},adopted,2021,文{n}-{z}"
                                                    for n in range(31) for z in range(65)]
    sheet.write_text("\n".join(lines) + "\n", "utf-8")
    old = digest(root)
    finished = base / "finished"
    subprocess.run(["cp", "-r", str(root), str(finished)], check=True)
    started = time.monotonic()
    assert ftzkb("adopt", "--from-sheet", str(sheet), root=finished).returncode == 0
    return root, sheet, old, digest(finished), time.monotonic() - started


def test_a_kill_at_any_moment_leaves_the_old_set_or_the_new_set(import_scene, tmp_path):
    source, sheet, old, new, duration = import_scene
    rng = random.Random(7)
    outcomes = []
    for attempt in range(KILLS):
        root = tmp_path / f"try-{attempt}"
        subprocess.run(["cp", "-r", str(source), str(root)], check=True)
        process = subprocess.Popen([sys.executable, "-m", "ftzkb", "adopt", "--from-sheet", str(sheet),
                                    "--root", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 1.05) * duration)  # most kills land late: planning is long, commits short
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert ftzkb("validate", root=root).returncode in (0, 1)  # the next command tidies up
        state = digest(root)
        assert state in (old, new), f"attempt {attempt}: a mix of old and new files"
        assert leftovers(root) == [] and not (root / ".ftzkb-cache" / journal.JOURNAL_NAME).exists()
        outcomes.append("new" if state == new else "old")
    assert outcomes  # both outcomes are fine; a mix never is


CRASH_DURING_RENAMES = """
import os, sys
from pathlib import Path
from ftzkb import journal
root = Path(sys.argv[1]); allowed = int(sys.argv[2])
real, done = os.replace, []
def dying_replace(src, dst):
    if str(dst).endswith(".yaml") and len(done) >= allowed:
        os._exit(9)  # as if killed between two renames
    done.append(dst)
    real(src, dst)
os.replace = dying_replace
files = {p: (b"# new\\n" + p.read_bytes(), 0o644) for p in sorted((root / "cases").glob("*.yaml"))}
with journal.repository_lock(root):
    journal.commit(root, files)
"""


@pytest.mark.parametrize("renamed_before_death", [0, 1, 3])
def test_a_writer_dying_between_renames_is_finished_by_the_next_reader(tmp_path, renamed_before_death):
    root = write_corpus(tmp_path / "corpus", {f"c{n}": minimal_case(f"c{n}") for n in range(4)})
    died = subprocess.run([sys.executable, "-c", CRASH_DURING_RENAMES, str(root), str(renamed_before_death)])
    assert died.returncode == 9
    assert (root / ".ftzkb-cache" / journal.JOURNAL_NAME).exists()
    result = ftzkb("validate", root=root, lang="zh")
    assert "上次被中断的写入已补完（4 个文件）" in result.stderr
    assert all(p.read_bytes().startswith(b"# new\n") for p in (root / "cases").glob("*.yaml"))
    assert leftovers(root) == []


def test_a_writer_dying_before_its_journal_leaves_the_old_files(tmp_path):
    root = write_corpus(tmp_path / "corpus", {f"c{n}": minimal_case(f"c{n}") for n in range(3)})
    old = digest(root)
    journal.stage(root / "cases" / "c0.yaml", b"half-done", 0o644, "dead0000beef")  # what a killed writer left
    result = ftzkb("validate", root=root, lang="zh")
    assert "已清除 2 个中断写入留下的临时文件" in result.stderr  # the staged copy and its hard-linked backup
    assert digest(root) == old and leftovers(root) == []
