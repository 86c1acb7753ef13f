"""arXiv id normalisation: every form people paste gives the one versionless key."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ids import BAD_PAPER_ID_MESSAGE, BadPaperId, normalize_paper_id

READABLE = [
    ("2606.00467", "2606.00467"),
    ("  2606.00467v2 ", "2606.00467"),
    ("2606.00467V12", "2606.00467"),
    ("arXiv:2606.00467", "2606.00467"),
    ("ARXIV: 2606.00467v3", "2606.00467"),
    ("https://arxiv.org/abs/2606.00467v2", "2606.00467"),
    ("http://arxiv.org/abs/2606.00467", "2606.00467"),
    ("https://www.arxiv.org/abs/2606.00467?context=cs.LG", "2606.00467"),
    ("arxiv.org/abs/2606.00467/", "2606.00467"),
    ("https://arxiv.org/pdf/2606.00467v1.pdf", "2606.00467"),
    ("https://arxiv.org/pdf/2606.00467v1", "2606.00467"),
    ("https://arxiv.org/html/2606.00467v1", "2606.00467"),
    ("https://export.arxiv.org/abs/2606.00467", "2606.00467"),
    ("https://huggingface.co/papers/2606.00467", "2606.00467"),
    ("https://huggingface.co/papers/2606.00467#community", "2606.00467"),
    ("<https://arxiv.org/abs/2606.00467|arxiv.org/abs/2606.00467>", "2606.00467"),
    ("<https://huggingface.co/papers/2606.00467>", "2606.00467"),
    ("0704.0001", "0704.0001"),
    ("1412.6980v9", "1412.6980"),
    ("1501.00001", "1501.00001"),
    ("hep-th/9901001", "hep-th/9901001"),
    ("hep-th/9901001v2", "hep-th/9901001"),
    ("cs/0112017", "cs/0112017"),
    ("arXiv:cond-mat/0207270", "cond-mat/0207270"),
    ("math.AG/0601001", "math/0601001"),
    ("https://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001"),
    ("https://arxiv.org/pdf/cs/0112017v1.pdf", "cs/0112017"),
]


@pytest.mark.parametrize(("text", "paper_id"), READABLE)
def test_reads_ids_and_links(text: str, paper_id: str) -> None:
    assert normalize_paper_id(text) == paper_id


UNREADABLE = [
    "",
    "1234",
    "2606.0046",  # too few digits for 2015 on
    "1412.00001",  # five digits before 2015
    "2613.00467",  # month 13
    "0612.0001",  # before new-style ids began
    "2606.00467v0",
    "2606.00467v",
    "2606.00467.pdf",
    "２６０６.００４６７",  # full-width digits
    "foo/9901001",
    "hep-th/99010011",
    "hep-th/0801001",  # old-style ids ended in March 2007
    "hep-th/9913001",
    "https://example.com/abs/2606.00467",
    "https://arxiv.org/list/2606.00467",
    "https://huggingface.co/2606.00467",
    "arxiv:",
    "2606.00467 2606.00468",
    "x" * 301,
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_refuses_anything_else_with_a_sentence(text: str) -> None:
    with pytest.raises(BadPaperId) as refused:
        normalize_paper_id(text)
    assert str(refused.value) == BAD_PAPER_ID_MESSAGE


def test_bad_paper_id_is_a_value_error_that_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(BadPaperId()))
    assert isinstance(error, ValueError)
    assert str(error) == BAD_PAPER_ID_MESSAGE


CANONICAL = re.compile(r"[0-9]{4}\.[0-9]{4,5}|[a-z-]+/[0-9]{7}")


@given(st.text(max_size=320))
def test_any_text_gives_a_canonical_id_or_bad_paper_id(text: str) -> None:
    try:
        paper_id = normalize_paper_id(text)
    except BadPaperId:
        return
    assert CANONICAL.fullmatch(paper_id)
    assert normalize_paper_id(paper_id) == paper_id


new_style_ids = st.builds(
    lambda year, month, number: f"{year:02d}{month:02d}.{number:05d}",
    st.integers(15, 99),
    st.integers(1, 12),
    st.integers(1, 99_999),
)
wrappers = st.sampled_from(
    [
        "{}",
        "{}v3",
        "arXiv:{}",
        "https://arxiv.org/abs/{}v2",
        "https://arxiv.org/pdf/{}v1.pdf",
        "https://huggingface.co/papers/{}",
        "<https://arxiv.org/abs/{}|arxiv.org/abs/{}>",
    ]
)


@given(new_style_ids, wrappers)
def test_every_new_style_id_reads_back_from_every_form(paper_id: str, wrapper: str) -> None:
    assert normalize_paper_id(wrapper.format(paper_id, paper_id)) == paper_id
