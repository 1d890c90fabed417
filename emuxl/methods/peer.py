"""``peer`` (*chấm chéo*): the other members score each member; own score excluded, trimmed when enough."""

from __future__ import annotations

from collections.abc import Mapping

from ..vnformat import join
from .base import Cluster, Example, Facts, Method, Params, Refs, Sample, Score, Value, Writeup, num, param, pts
from .writeup import sentence, subject


class PeerParams(Params):
    """``peer``: the mean of other members' scores, trimmed when enough scorers."""

    trim_min_scorers: int = param(
        5,
        "Số đơn vị chấm để bỏ cao, thấp",
        "Từ số đơn vị chấm này trở lên thì bỏ điểm cao nhất và thấp nhất",
        "drop highest and lowest from this many scorers",
        ge=3,
    )
    dispersion: float = param(
        0.3,
        "Ngưỡng chênh lệch",
        "Cảnh báo khi điểm cao nhất và thấp nhất chênh quá tỷ lệ này của điểm tối đa",
        "flag when max - min exceeds this share of points",
        gt=0,
        le=1,
    )


def _score(values: Mapping[str, Value], p: PeerParams, points: float, c: Cluster) -> Score:
    given = [x for x in (num(v) for v in c.peer_scores) if x is not None]
    if not given:
        return Score(0.0, "chưa có điểm chấm chéo → 0 điểm", "missing-input")
    if len(given) >= p.trim_min_scorers:
        score = (sum(given) - max(given) - min(given)) / (len(given) - 2)
        how = f"trung bình điểm của {len(given) - 2} đơn vị chấm (đã bỏ điểm cao nhất, thấp nhất)"
    else:
        score = sum(given) / len(given)
        how = f"trung bình điểm của {len(given)} đơn vị chấm"
    text = f"chấm chéo: {how} → {pts(score)} điểm"
    issue = None
    if max(given) - min(given) > p.dispersion * points:
        issue = "peer-dispersion"
        text += f"; các đơn vị chấm chênh lệch lớn ({pts(min(given))}–{pts(max(given))})"
    return Score(score, text, issue)


def _formula(refs: Refs, p: PeerParams, points: float) -> str:
    r = refs.peers
    return (
        f"IF(COUNT({r})=0,0,IF(COUNT({r})>={p.trim_min_scorers},"
        f"(SUM({r})-MAX({r})-MIN({r}))/(COUNT({r})-2),SUM({r})/COUNT({r})))"
    )


def _describe(p: PeerParams, points: float, _unit: str) -> str:
    trim = f"bỏ điểm cao nhất, thấp nhất khi có từ {p.trim_min_scorers} đơn vị chấm"
    return f"Các thành viên khác chấm chéo (0–{pts(points)}); {trim}"


def _sentence(facts: Facts[PeerParams]) -> Writeup:
    """The members' mean peer score out of the points, and the three rated highest."""
    scored = sorted(facts.rows, key=lambda r: -r.points)
    if not any(r.points for r in scored):
        return Writeup(f"{subject(facts)}: chưa có kết quả chấm chéo.", {"mean": None})
    mean = sum(r.points for r in scored) / len(scored)
    top = join(f"{r.name} ({pts(r.points)} điểm)" for r in scored[:3])
    text = (
        f"{subject(facts)}: điểm chấm chéo bình quân của {len(scored)} {facts.noun} là "
        f"{pts(mean)}/{pts(facts.points)} điểm; được đánh giá cao nhất là {top}"
    )
    return sentence(text, {"mean": mean})


PEER_METHOD: Method[PeerParams] = Method(
    name="peer",
    title="Chấm chéo",
    inputs=(),
    params=PeerParams,
    score=_score,
    formula=_formula,
    describe=_describe,
    example=lambda sample, p: {},
    sentence=_sentence,
    peer_scored=True,
    cluster_wide=True,
    doc="""\
## peer — *chấm chéo*

No input on the member's form: the peer forms (`p_<CODE>_<member>`), a score
from 0 to P for every other member. Own score excluded. Parameters
`trim_min_scorers` (5), `dispersion` (0,3).

With n scores: n ≥ trim_min_scorers → (sum − max − min)/(n − 2); otherwise
the mean. Flagged `peer-dispersion` when max − min > dispersion·P.

Report: the cluster's mean peer score and the three rated highest.""",
    examples=(
        Example(
            PeerParams(trim_min_scorers=5),
            35,
            {},
            31,
            "P = 35, scores 30, 31, 32, 33, 10: (136 − 33 − 10) / 3; dispersion flagged (23 > 10,5)",
            Cluster(peer_scores=(30, 31, 32, 33, 10)),
        ),
        Example(PeerParams(), 35, {}, 31, "three scores 30, 31, 32: their mean", Cluster(peer_scores=(30, 31, 32))),
    ),
)


def peer_example(sample: Sample) -> float:
    """A score one member gives another on a peer indicator: mostly 70–100 % of the points."""
    return round(sample.points * sample.rng.uniform(0.7, 1.0), 2)
