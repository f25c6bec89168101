from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEvent
from competitions.models import District, Municipality, Region
from competitions.services.territories import (
    COLUMNS,
    DEFAULT_PATH,
    TerritoryImportError,
    import_territories,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS) + "\n"


def write(tmp_path, body: str):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_shipped_file_imports():
    report = import_territories()
    assert report.created["regions"] == 9
    assert report.created["districts"] == 40
    assert report.created["municipalities"] >= 40
    assert set(Region.objects.values_list("code", flat=True)) == {
        "KG-B",
        "KG-C",
        "KG-J",
        "KG-N",
        "KG-O",
        "KG-T",
        "KG-Y",
        "KG-GB",
        "KG-GO",
    }
    assert Region.objects.get(code="KG-Y").name_ky == "Ысык-Көл облусу"
    # Every municipality named in the domain brief is there.
    for code in [
        "kargalyk",
        "sumbula",
        "toguz-bulak",
        "batken",
        "kochkor-ata",
        "karakol",
        "osh",
        "uzun-kyr",
        "lenin",
        "kyzyl-oktyabr",
        "alamudun",
        "ak-tal",
        "chaek",
        "aleksandrovka",
    ]:
        assert Municipality.objects.filter(code=code).exists(), code
    # Every oblast has municipalities.
    for region in Region.objects.filter(kind="oblast"):
        assert region.municipalities.exists(), region.code


def test_import_twice_creates_no_duplicates():
    import_territories()
    counts = (Region.objects.count(), District.objects.count(), Municipality.objects.count())
    report = import_territories()
    assert not report.changed
    assert report.updated["municipalities"] == 0
    assert report.unchanged["municipalities"] == counts[2]
    assert (
        Region.objects.count(),
        District.objects.count(),
        Municipality.objects.count(),
    ) == counts


def test_a_changed_name_is_reported_as_updated(tmp_path):
    import_territories()
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace(
        "Аламүдүн айыл аймагы", "Аламүдүн айыл аймагы (жаңы)"
    )
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    report = import_territories(path)
    assert report.updated["municipalities"] == 1
    assert any("alamudun" in c and "name_ky" in c for c in report.changes)
    assert Municipality.objects.get(code="alamudun").name_ky.endswith("(жаңы)")


def test_successors_may_come_later_in_the_file(tmp_path):
    path = write(
        tmp_path,
        "region,KG-Y,,oblast,Иссык-Кульская область,Ысык-Көл облусу,Issyk-Kul,,,,,\n"
        "municipality,old,KG-Y,ayil_aimak,Старый АА,Эски АА,,,2023-12-31,new,,\n"
        "municipality,new,KG-Y,ayil_aimak,Новый АА,Жаңы АА,,2024-01-01,,,,\n",
    )
    import_territories(path)
    old = Municipality.objects.get(code="old")
    assert old.successor.code == "new"
    assert not old.is_current
    assert list(Municipality.objects.valid_on().values_list("code", flat=True)) == ["new"]


def test_a_bad_row_names_its_line_and_writes_nothing(tmp_path):
    path = write(
        tmp_path,
        "region,KG-Y,,oblast,Иссык-Кульская область,Ысык-Көл облусу,Issyk-Kul,,,,,\n"
        "municipality,a,KG-Y,ayil_aimak,А,А,,,,,,\n"
        "municipality,b,KG-X,ayil_aimak,Б,Б,,,,,,\n"
        "municipality,c,KG-Y,ayil_aimak,В,В,,2024-01-01,2023-01-01,,,\n",
    )
    with pytest.raises(TerritoryImportError) as info:
        import_territories(path)
    assert any(e.startswith("line 4:") and "KG-X" in e for e in info.value.errors)
    assert any(e.startswith("line 5:") and "before valid_from" in e for e in info.value.errors)
    assert not Region.objects.exists()
    assert not Municipality.objects.exists()


def test_the_import_is_audited_only_when_something_changed():
    import_territories()
    import_territories()
    assert AuditEvent.objects.filter(action="territories.imported").count() == 1


def test_the_command_reports_and_fails_clearly(tmp_path, capsys):
    call_command("import_territories")
    out = capsys.readouterr().out
    assert "regions: 9 created" in out
    bad = write(tmp_path, "planet,earth,,,Земля,Жер,,,,,,\n")
    with pytest.raises(CommandError, match="line 2: type 'planet'"):
        call_command("import_territories", str(bad))


def test_dry_run_writes_nothing(capsys):
    call_command("import_territories", "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert not Region.objects.exists()
