"""Fix-encoding and strip-debris load `regex` and ftfy only when a line needs them
(issue 11's start-up target: `echo hi | cleantext clean` pays for neither).

Dedup too imports `regex` only for a line that is not plain ASCII.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("ftfy", "numpy", "rapidfuzz", "regex")


def loaded(code: str) -> list[str]:
    """The heavy modules running `code` loads."""
    probe = f"import sys\n{code}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60)
    return eval(out.stdout.strip().splitlines()[-1])


STAGES = "from cleantext import Pipeline, FixEncoding, StripDebris\npipeline = Pipeline([FixEncoding(), StripDebris()])\n"


def test_importing_the_stages_loads_none_of_them():
    code = ("import cleantext.stages.encoding, cleantext.stages.debris, cleantext.stages.boilerplate, "
            "cleantext.stages.languages, cleantext.stages.rule_prefilter")
    assert loaded(code) == []


@pytest.mark.parametrize(("text", "cleaned"), [
    ("hi\n", "hi\n"),
    ("Share on Facebook\n", ""),  # a rule match: the rules' alternation is compiled, on `re`
    ("Une phrase en français, avec des accents : déjà, où, garçon.\n",) * 2,  # Latin-1 letters skip ftfy
    ("Съешь же ещё этих мягких французских булок, да выпей чаю.\n",) * 2,  # Cyrillic: `re` finds its words
])
def test_cleaning_plain_lines_loads_none_of_them(text, cleaned):
    assert loaded(f"{STAGES}out = pipeline.clean({text!r})\nassert out == {cleaned!r}, out") == []


def test_script_patterns_compiled_on_first_use_find_what_regex_finds():
    import regex

    from cleantext.stages import languages

    text = "東京は日本の首都です。 서울 ภาษาไทย Ελληνικά, naïve café 123"
    lazy = {name: value for name, value in vars(languages).items() if isinstance(value, languages._Lazy)}
    assert {"HAN_KANA", "UNSPACED", "_WORD_ANY"} <= set(lazy)
    for name, pattern in lazy.items():
        assert pattern.findall(text) == regex.compile(pattern.pattern).findall(text), name
        found, expected = pattern.search(text[12:]), regex.compile(pattern.pattern).search(text[12:])
        assert (found and found.span()) == (expected and expected.span()), name


def test_mojibake_loads_ftfy_and_is_repaired():
    code = f"{STAGES}assert pipeline.clean('cafÃ© crÃ¨me\\n') == 'café crème\\n'"
    assert "ftfy" in loaded(code)


def test_ascii_and_latin_lines_never_compile_the_unicode_script_patterns():
    """Dedup imports `regex` anyway; strip-debris must not need its patterns for such
    lines, long ones (measured for stopwords and paragraph shape) included."""
    lines = ["Home", "Share on Facebook", "Ferry timetable 2025: departures 06:10, 07:45, 09:30, 12:15, "
             "14:40, 17:05, 19:20 and 21:55 from Pier 3, returning 40 minutes later; fares 4.50 EUR.",
             "Le conseil municipal a voté le budget après un long débat, et la séance s'est terminée tard.",
             "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
             "labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco."]
    code = (f"{STAGES}pipeline.clean({chr(10).join(lines)!r})\n"
            "from cleantext.stages import languages\n"
            "compiled = [n for n, v in vars(languages).items() if isinstance(v, languages._Lazy) and 'search' in vars(v)]\n"
            "assert compiled == [], compiled")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_default_pipeline_on_plain_lines_loads_none_of_them():
    # what `echo hi | cleantext clean` runs: dedup's normalizing too stays on ASCII bytes
    code = "from cleantext import default_pipeline\nassert default_pipeline().clean('hi\\nhi there friend\\n') == 'hi\\nhi there friend\\n'"
    assert loaded(code) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_the_command_starts_no_blas_threads(tmp_path):
    """numpy's OpenBLAS would start a thread per core at import and spin in them, CPU
    the command never uses (it does no linear algebra); set by the user, the variable
    is left as it is."""
    page = tmp_path / "page.txt"
    line = "The council approved the new budget after a long debate on Tuesday evening"
    page.write_text(f"{line}\n{line}, it said\n" * 3)  # a near-duplicate: dedup imports numpy
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.stderr.write(f\"numpy {'numpy' in sys.modules} \" + [l for l in "
             "open('/proc/self/status') if l.startswith('Threads:')][0]))\n"
             f"sys.argv = ['cleantext', 'clean', {str(page)!r}]\n"
             "from cleantext.__main__ import main\nmain()\n")
    env = {k: v for k, v in __import__("os").environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and done.stdout == f"{line}\n", done.stderr
    assert done.stderr.split() == ["numpy", "True", "Threads:", "1"]
