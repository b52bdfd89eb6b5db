"""A source without its words (:mod:`scenes.pipeline.sites`): words, comments and line breaks do not
change the masked digest; code does; each block's words have their own digest."""

from __future__ import annotations

from pathlib import Path

from scenes.pipeline.sites import read_sites

BEAT = '''
class Beat(LectureScene):
    def construct(self):
        with self.narrate("The cost hardly moves at first."):
            self.play(FadeIn(square), run_time=1.1)
        with self.narrate(f"After {epochs} epochs it falls "
                          "at last.", loop=True):
            self.wait(2)
        self.checkpoint("sigma-prime")
'''


def sites_of(tmp_path: Path, text: str):
    path = tmp_path / "beat.py"
    path.write_text(text)
    return read_sites(path)


def test_words_comments_and_line_breaks_leave_the_code_digest_alone(tmp_path: Path) -> None:
    before = sites_of(tmp_path, BEAT)
    assert len(before.sites) == 3
    words = sites_of(tmp_path, BEAT.replace("hardly moves", "barely moves"))
    assert words.masked == before.masked
    assert [s.digest for s in words.sites][1:] == [s.digest for s in before.sites][1:]
    assert words.sites[0].digest != before.sites[0].digest
    layout = sites_of(tmp_path, BEAT.replace('falls "\n                          "at last."', 'falls at last."')
                      + "# a comment\n")
    assert layout.masked == before.masked
    assert [s.digest for s in layout.sites] == [s.digest for s in before.sites]
    asked = sites_of(tmp_path, BEAT.replace('"sigma-prime"', '"flatline"'))
    assert asked.masked == before.masked and asked.sites[2].digest != before.sites[2].digest


def test_code_changes_the_code_digest(tmp_path: Path) -> None:
    before = sites_of(tmp_path, BEAT)
    # A block's other arguments are code too (``loop`` changes its section's type).
    for edit in (("run_time=1.1", "run_time=1.2"), ("self.wait(2)", "self.wait(3)"), ("loop=True", "loop=False"),
                 ("FadeIn(square)", "FadeOut(square)")):
        assert sites_of(tmp_path, BEAT.replace(*edit)).masked != before.masked, edit


def test_every_line_of_a_call_names_its_site(tmp_path: Path) -> None:
    found = sites_of(tmp_path, BEAT)
    lines = BEAT.splitlines()
    first = next(n for n, line in enumerate(lines, 1) if "After {epochs}" in line)
    assert found.at(first) == found.at(first + 1) == 1
    assert found.at(first + 2) is None  # the body of the block is code
    assert found.at(next(n for n, line in enumerate(lines, 1) if "checkpoint" in line)) == 2


def test_a_file_that_is_not_python_is_its_content(tmp_path: Path) -> None:
    path = tmp_path / "lesson.toml"
    path.write_text("eta = 0.15\n")
    one = read_sites(path).masked
    path.write_text("eta = 0.16\n")
    assert read_sites(path).masked != one and not read_sites(path).sites
