"""Parts joined in any order (as each is ready) and put in order at the end (Sammanfogning.ordna)
give the package that joining them in order gives: pages, reading order, role map, IDs."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from rapportgen.assemble.taggat import Sammanfogning


def _del(bredd: int, roll: str | None, elem_id: str | None, sidor: int = 1) -> pikepdf.Pdf:
    """A tagged part: one custom-role element per page (ParentTree, RoleMap, IDTree), or untagged."""
    pdf = pikepdf.Pdf.new()
    for _ in range(sidor):
        pdf.add_blank_page(page_size=(bredd, 800))
    if roll is None:
        return pdf
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    doc = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    nums = Array()
    for i, page in enumerate(pdf.pages):
        elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/Egen"), P=doc, Pg=page.obj, K=0))
        if elem_id and i == 0:
            elem.ID = String(elem_id)
        doc.K.append(elem)
        page.obj.StructParents = i
        nums.extend([i, Array([elem])])
    root.K = doc
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = len(pdf.pages)
    root.RoleMap = Dictionary({"/Egen": Name("/" + roll)})
    if elem_id:
        root.IDTree = Dictionary(Names=Array([String(elem_id), doc.K[0]]))
    pdf.Root.StructTreeRoot = root
    return pdf


def _sammanfoga(ordning: list[int]) -> pikepdf.Pdf:
    delar = [_del(300, "P", "x", 2), _del(400, "H1", "x"), _del(500, None, None), _del(600, "P", None)]
    sam = Sammanfogning()
    komp = {}
    for i in ordning:
        komp[i] = sam.lagg_till(delar[i], f"Del {i}", f"del{i}.pdf")
    sam.ordna([komp[i] for i in range(len(delar))])
    return sam.avsluta("Handling")


def _beskriv(pdf: pikepdf.Pdf) -> dict:
    pages = {p.objgen: n for n, p in enumerate(pdf.pages)}
    root = pdf.Root.StructTreeRoot
    parts = root.K[0].K
    nums = root.ParentTree.Nums
    parent_tree = {}
    for n, page in enumerate(pdf.pages):
        if "/StructParents" in page.obj:
            key = int(page.obj.StructParents)
            elems = [nums[i + 1] for i in range(0, len(nums), 2) if int(nums[i]) == key][0]
            parent_tree[n] = [(pages[e.Pg.objgen], str(e.S)) for e in elems]
    return {
        "sidor": [float(p.mediabox[2]) for p in pdf.pages],
        "delar": [str(p.T) for p in parts],
        "roller": [[str(e.S) for e in p.K] for p in parts],
        "rolemap": {str(k): str(v) for k, v in root.RoleMap.items()},
        "ids": sorted(str(k) for k in root.IDTree.Names[::2]),
        "parent_tree": parent_tree,
    }


def test_any_order_gives_the_package_of_the_ordered_join():
    ordered = _beskriv(_sammanfoga([0, 1, 2, 3]))
    assert ordered["sidor"] == [300, 300, 400, 500, 600]
    assert ordered["delar"] == ["Del 0", "Del 1", "Del 2", "Del 3"]
    # The second part's custom role clashes with the first's: resolved to its standard type there.
    assert ordered["roller"] == [["/Egen", "/Egen"], ["/H1"], [], ["/Egen"]]
    assert ordered["rolemap"] == {"/Egen": "/P"}
    assert ordered["ids"] == ["d1-x", "x"]
    # Each page's ParentTree entry names elements on that very page.
    assert all(all(pg == n for pg, _s in elems) for n, elems in ordered["parent_tree"].items())
    for ordning in ([3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]):
        assert _beskriv(_sammanfoga(ordning)) == ordered, ordning


def test_ordna_keeps_the_page_objects():
    sam = Sammanfogning()
    b = sam.lagg_till(_del(400, "P", None, 3), "B")
    a = sam.lagg_till(_del(300, "P", None, 2), "A")
    before = {id(k): [sam.sidor[i].objgen for i in range(k.forsta, k.sista + 1)] for k in (a, b)}
    sam.ordna([a, b])
    assert (a.forsta, a.sista, b.forsta, b.sista) == (0, 1, 2, 4)
    assert [p.objgen for p in sam.pdf.pages] == before[id(a)] + before[id(b)]
    assert [p.objgen for p in sam.sidor] == before[id(a)] + before[id(b)]
    assert [k.element.objgen for k in sam.komponenter] == [a.element.objgen, b.element.objgen]
