"""Plain entity-to-feature edges are derived from the claims, never curated by hand."""

from __future__ import annotations

from conftest import ONTOLOGY
from rdflib import RDFS, Graph

from lmsgraph.graph import derive_edges
from lmsgraph.namespaces import LMSG
from lmsgraph.stats import instances

EBV_SMT = LMSG.EBVAssociatedSmoothMuscleTumour


def test_curated_files_hold_no_plain_edges(curated):
    relations = (set(curated.objects(None, LMSG.relation)) - {RDFS.subClassOf}) | {LMSG.lacksFeature}
    hand_made = [(s, p, o) for p in relations for s, o in curated.subject_objects(p)]
    assert not hand_made, f"plain edges written by hand (derive them from claims instead): {hand_made[:5]}"
    entities = set(curated.objects(None, LMSG.aboutEntity))
    hand_hierarchy = [(s, o) for s, o in curated.subject_objects(RDFS.subClassOf) if o in entities]
    assert not hand_hierarchy, f"hierarchy links written by hand (add classification claims): {hand_hierarchy}"


RESTRICTIONS = (LMSG.condition, LMSG.comparator, LMSG.lesionRole, LMSG.siteQualifier)


def restricted(graph, claim) -> bool:
    """A claim whose plain edge would say more than the claim: restricted, hedged, or from one case."""
    return (
        any(graph.value(claim, p) is not None for p in RESTRICTIONS)
        or graph.value(claim, LMSG.certainty) not in (None, LMSG.Stated)
        or (claim, LMSG.evidenceBasis, LMSG.SingleCaseReport) in graph
    )


def edge_of(graph, claim):
    entity, feature = graph.value(claim, LMSG.aboutEntity), graph.value(claim, LMSG.feature)
    relation = (
        LMSG.lacksFeature if graph.value(claim, LMSG.polarity) == LMSG.Absent else graph.value(claim, LMSG.relation)
    )
    return entity, relation, feature


def test_every_unrestricted_claim_yields_its_edge(graph):
    for claim in instances(graph, LMSG.Claim):
        if not restricted(graph, claim):
            assert edge_of(graph, claim) in graph, claim


def test_a_restricted_claim_yields_no_edge_that_says_more_than_it(graph):
    """An edge exists only if some unrestricted claim gives it: conventional leiomyosarcoma is not
    'at the liver' without its lesion role, nor inflammatory leiomyosarcoma 'of very good prognosis'
    without the near-haploid condition and the hedge."""
    claims = instances(graph, LMSG.Claim)
    plain = {edge_of(graph, c) for c in claims if not restricted(graph, c)}
    checked = 0
    for claim in claims:
        if restricted(graph, claim) and edge_of(graph, claim) not in plain:
            assert edge_of(graph, claim) not in graph, claim
            checked += 1
    assert checked >= 20
    assert (LMSG.ConventionalLeiomyosarcoma, LMSG.hasSite, LMSG.Liver) not in graph
    assert (LMSG.InflammatoryLeiomyosarcoma, LMSG.hasPrognosis, LMSG.VeryGoodPrognosis) not in graph
    assert (LMSG.InflammatoryLeiomyosarcoma, LMSG.hasImagingFinding, LMSG.Hyperintensity) not in graph
    assert (LMSG.HepaticLeiomyosarcoma, LMSG.hasSite, LMSG.Liver) in graph


def test_absent_claim_gives_lacks_feature_not_the_positive_edge(graph):
    assert (EBV_SMT, LMSG.lacksFeature, LMSG.Desmin) in graph
    assert (EBV_SMT, LMSG.hasMarker, LMSG.Desmin) not in graph
    assert (EBV_SMT, LMSG.hasMarker, LMSG.SmoothMuscleActin) in graph


def test_derivation_on_a_small_graph():
    g = Graph().parse(
        format="turtle",
        data="""
        @prefix lmsg: <https://w3id.org/lmsgraph/> .
        lmsg:c1 lmsg:aboutEntity lmsg:E ; lmsg:relation lmsg:hasSite ; lmsg:feature lmsg:S ; lmsg:polarity lmsg:Present .
        lmsg:c2 lmsg:aboutEntity lmsg:E ; lmsg:relation lmsg:hasMarker ; lmsg:feature lmsg:M ; lmsg:polarity lmsg:Absent .
        lmsg:c3 lmsg:aboutEntity lmsg:E ; lmsg:relation lmsg:hasSite ; lmsg:feature lmsg:L ; lmsg:polarity lmsg:Present ;
                lmsg:lesionRole lmsg:MetastaticLesion .
        lmsg:c4 lmsg:aboutEntity lmsg:E ; lmsg:relation lmsg:hasPrognosis ; lmsg:feature lmsg:P ; lmsg:polarity lmsg:Present ;
                lmsg:certainty lmsg:Tentative .
        lmsg:c5 lmsg:aboutEntity lmsg:E ; lmsg:relation lmsg:hasBehaviour ; lmsg:feature lmsg:B ; lmsg:polarity lmsg:Present ;
                lmsg:certainty lmsg:Stated .
        lmsg:g1 lmsg:aboutEntity lmsg:E .
    """,
    )
    assert derive_edges(g) == 3
    assert (LMSG.E, LMSG.hasBehaviour, LMSG.B) in g
    assert (LMSG.E, LMSG.hasSite, LMSG.L) not in g and (LMSG.E, LMSG.hasPrognosis, LMSG.P) not in g
    assert (LMSG.E, LMSG.hasSite, LMSG.S) in g
    assert (LMSG.E, LMSG.lacksFeature, LMSG.M) in g
    assert (LMSG.E, LMSG.hasMarker, LMSG.M) not in g


def test_the_ontology_header_comes_first_in_its_file():
    """schema.ttl opens with the owl:Ontology block (after the prefixes), as readers expect."""
    text = (ONTOLOGY / "schema.ttl").read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.strip() and not line.startswith("@prefix"))
    assert first.endswith("a owl:Ontology ;"), first


def test_the_vocabulary_kept_on_disk_is_the_vocabulary_made_afresh(tmp_path, monkeypatch):
    from rdflib.compare import isomorphic

    from lmsgraph.graph import vocabulary_ntriples

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    made = vocabulary_ntriples.__wrapped__()  # the per-process memo left aside
    kept = list((tmp_path / "lmsgraph" / "vocabulary").iterdir())
    key, _, body = kept[0].read_bytes().partition(b"\n")
    assert len(kept) == 1 and body == made and b"schema.ttl" in key
    extra = b"<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n"
    kept[0].write_bytes(key + b"\n" + made + extra)
    read_back = vocabulary_ntriples.__wrapped__()
    assert b"example.org/s" in read_back, "a second process reads the kept file"
    kept[0].write_bytes(key.replace(b"schema.ttl", b"schema.TTL") + b"\n" + made + extra)
    assert b"example.org/s" not in vocabulary_ntriples.__wrapped__(), "a file kept under another key is not read"
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # nothing to read: made afresh
    fresh = vocabulary_ntriples.__wrapped__()
    assert isomorphic(Graph().parse(data=made, format="nt"), Graph().parse(data=fresh, format="nt"))


def test_what_is_kept_on_disk_is_made_anew_when_a_source_changes(tmp_path, monkeypatch):
    from lmsgraph.resources import KEPT_PER_KIND, kept_on_disk

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "source.ttl"
    source.write_text("one")
    made = []

    def make() -> bytes:
        made.append(source.read_text())
        return source.read_bytes().upper()

    assert kept_on_disk("kind", [source], make) == b"ONE"
    assert kept_on_disk("kind", [source], make) == b"ONE" and made == ["one"]
    source.write_text("two")
    assert kept_on_disk("kind", [source], make) == b"TWO" and made == ["one", "two"]
    for n in range(10):  # a kind keeps its newest few files, not one per change ever made
        source.write_text(f"version {n}")
        kept_on_disk("kind", [source], make)
    kept = list((tmp_path / "cache" / "lmsgraph" / "kind").iterdir())
    assert len(kept) == KEPT_PER_KIND and b"VERSION 9" in {p.read_bytes().partition(b"\n")[2] for p in kept}


def test_a_source_rewritten_within_one_clock_tick_still_makes_it_anew(tmp_path, monkeypatch):
    """Same size, same modification time (set back by hand, as a write within one tick of the
    file system's clock leaves it): the bytes differ, so what is kept is made anew."""
    import os

    from lmsgraph.resources import kept_on_disk

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "source.ttl"
    source.write_text("one")
    when = source.stat().st_mtime_ns
    assert kept_on_disk("kind", [source], lambda: source.read_bytes().upper()) == b"ONE"
    source.write_text("two")
    os.utime(source, ns=(when, when))
    assert kept_on_disk("kind", [source], lambda: source.read_bytes().upper()) == b"TWO"


def test_a_cache_that_cannot_be_written_is_no_cache(tmp_path, monkeypatch):
    from lmsgraph.resources import kept_on_disk

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    source = tmp_path / "source.ttl"
    source.write_text("data")
    assert kept_on_disk("kind", [source], lambda: b"made") == b"made"
    assert blocked.read_text() == "a file where the cache folder would be"


def test_the_bundled_store_kept_on_disk_holds_the_graph_made_afresh(tmp_path, monkeypatch):
    import pyoxigraph

    from lmsgraph.store import _fill, bundled_store

    def as_rdflib(store) -> Graph:
        return Graph().parse(
            data=store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph()), format="nt"
        )

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = bundled_store()  # made, and kept
    kept = list((tmp_path / "lmsgraph" / "bundled").iterdir())
    assert len(kept) == 1
    second = bundled_store()  # read back
    fresh = _fill(pyoxigraph.Store(), derived=True, mappings=True, files=None)
    from rdflib.compare import isomorphic

    assert len(first) == len(second) == len(fresh) > 4000
    assert isomorphic(as_rdflib(second), as_rdflib(fresh))


def test_what_is_kept_on_disk_is_keyed_by_every_module_that_makes_it():
    from lmsgraph.resources import package_modules

    names = {p.name for p in package_modules()}
    assert {"store.py", "graph.py", "derivation.py", "sssom.py", "prefixes.py", "ntriples.py", "headers.py"} <= names
