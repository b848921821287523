"""The parse cache of our ASN.1 modules (`scms.asn1._parse_cache`): the JSON form gives back the parse exactly (a
specification compiled from it decodes and re-encodes real certificates to the same bytes); a hit parses nothing;
a changed module, another asn1tools or a broken file is parsed again; SCMS_ASN1_CACHE=0 switches it off."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import asn1tools
import pytest

from scms.asn1 import _parse_cache
from scms.asn1._compile import MODULES_DIR, module_files
from scms.asn1._open_type import rewrite_open_types

from ._samples import real_certificates


@pytest.fixture(scope="module")
def fresh() -> dict[str, Any]:
    return asn1tools.parse_files([str(path) for path in module_files()])


@pytest.fixture
def modules(tmp_path: Path) -> tuple[list[Path], Path]:
    root = tmp_path / "modules"
    shutil.copytree(MODULES_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    return sorted(root.rglob("*.asn")), root


class CountingParser:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = asn1tools.parse_files

        def parse(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(_parse_cache.asn1tools, "parse_files", parse)


def test_the_json_form_gives_back_the_parse(fresh: dict[str, Any]) -> None:
    text = _parse_cache.dumps(fresh)
    back = _parse_cache.loads(text)
    assert _parse_cache.dumps(back) == text
    tokens = back["Ieee1609Dot2Dot1EeRaInterface"]["types"]["EeRaCertRequest"]["members"][3]["with-components"][1]
    assert isinstance(tokens, tuple) and isinstance(tokens[1], _parse_cache.Tokens)   # tuples and Tokens revived


def test_a_spec_compiled_from_the_cache_codes_as_one_from_the_parse(fresh: dict[str, Any]) -> None:
    cached = _parse_cache.loads(_parse_cache.dumps(fresh))
    specs = []
    for parsed in (_parse_cache.loads(_parse_cache.dumps(fresh)), cached):
        rewrite_open_types(parsed)
        specs.append(asn1tools.compile_dict(parsed, "oer"))
    direct, from_cache = specs
    assert {m: sorted(t) for m, t in direct.modules.items()} == {m: sorted(t) for m, t in from_cache.modules.items()}
    for data in real_certificates():
        value = direct.decode("Certificate", data)
        assert from_cache.decode("Certificate", data) == value
        assert from_cache.encode("Certificate", value) == direct.encode("Certificate", value) == data


def test_a_hit_parses_nothing(modules: tuple[list[Path], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    files, root = modules
    parser = CountingParser(monkeypatch)
    first = _parse_cache.parsed_modules(files, root)
    assert parser.calls == 1 and _parse_cache.cache_file(files, root).is_file()
    second = _parse_cache.parsed_modules(files, root)
    assert parser.calls == 1 and _parse_cache.dumps(second) == _parse_cache.dumps(first)


def test_a_changed_module_is_parsed_again(modules: tuple[list[Path], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    files, root = modules
    parser = CountingParser(monkeypatch)
    before = _parse_cache.cache_file(files, root)
    _parse_cache.parsed_modules(files, root)
    files[0].write_text(files[0].read_text() + "\n-- changed\n")
    assert _parse_cache.cache_file(files, root) != before
    _parse_cache.parsed_modules(files, root)
    assert parser.calls == 2
    monkeypatch.setattr(_parse_cache.asn1tools, "__version__", "0.0.0-other")      # another asn1tools
    assert _parse_cache.cache_file(files, root) not in (before,)
    _parse_cache.parsed_modules(files, root)
    assert parser.calls == 3


def test_a_broken_cache_file_is_parsed_again_and_replaced(modules: tuple[list[Path], Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    files, root = modules
    cached = _parse_cache.cache_file(files, root)
    _parse_cache.parsed_modules(files, root)
    for broken in ('{"truncated": ', "[1, 2]", ""):
        cached.write_text(broken)
        parser = CountingParser(monkeypatch)
        _parse_cache.parsed_modules(files, root)
        assert parser.calls == 1
        _parse_cache.loads(cached.read_text())                                         # written anew


def test_switched_off_it_neither_reads_nor_writes(modules: tuple[list[Path], Path],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    files, root = modules
    monkeypatch.setenv("SCMS_ASN1_CACHE", "0")
    parser = CountingParser(monkeypatch)
    _parse_cache.parsed_modules(files, root)
    assert not _parse_cache.cache_file(files, root).exists()
    monkeypatch.delenv("SCMS_ASN1_CACHE")
    _parse_cache.parsed_modules(files, root)                                           # written now
    monkeypatch.setenv("SCMS_ASN1_CACHE", "0")
    _parse_cache.parsed_modules(files, root)
    assert parser.calls == 3


def test_a_folder_it_cannot_write_is_no_error(modules: tuple[list[Path], Path], monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    files, root = modules
    (root / "__pycache__").write_text("a file where the folder would be")   # fails for root too, unlike chmod
    parser = CountingParser(monkeypatch)
    assert _parse_cache.dumps(_parse_cache.parsed_modules(files, root)) == _parse_cache.dumps(
        _parse_cache.parsed_modules(files, root))
    assert parser.calls == 2                                                     # parsed each time, no cache
